/*
 * test_chain.c — unit tests of src/core/chain.c: the canonical encoding of a
 * ballot entry (byte for byte, and injective), the BLAKE2b link values
 * (computed independently with Python's hashlib.blake2b(digest_size=32)),
 * and verification finding an edited, removed or reordered entry at the
 * right index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chain.h"

/*
 * The reference vectors were made with this Python, from the layout in
 * chain.h, not from the C code:
 *   f = lambda tag, b: bytes([tag]) + struct.pack('>I', len(b)) + b
 *   i64 = lambda v: struct.pack('>q', v)
 *   enc = b'GGB1' + f(1,i64(a)) + f(2,i64(seq)) + f(3,bytes([kind])) + f(4,voter)
 *       + f(5,i64(matter)) + f(6,bytes([choice])) + f(7,b''.join(map(i64,cands)))
 *       + f(8,bytes([chan])) + f(9,by) + f(10,i64(ts)) + f(11,i64(corr)) + f(12,ev)
 *   H = lambda b: hashlib.blake2b(b, digest_size=32).digest()
 *   genesis = H(b'gridgov ballot chain v1' + i64(7)); link = H(prev + enc)
 */
#define GENESIS7 "972a55a40878d0977aaf8343fb754a2c920389b80ae9358b23a62474d7855ac4"
#define ENC1                                                                                       \
    "474742310100000008000000000000000702000000080000000000000001030000000101040000000450303030"   \
    "0500000008000000000000000306000000010107000000000800000001010900000004753a34320a0000000800"   \
    "000000666699800b0000000800000000000000000c00000000"
#define LINK1 "b412031909a6c8f7e999b7396a7ef88c5dae4777c002baf0c0100eb8bddcf747"
#define PHOTO "3e2c08ce3771e0227f78b279de6d510e5f338704f93ac5c50c4127acfdd25619"
#define LINK2 "4b8fc1c98cfa7e4e68ea4dfe3c752113ca791b310e69653e84da3c92b72ae2e6"
#define LINK3 "02c2f48894c2799ce317108f3c0d105fc30c0f98e1d182a6c044e7a3680fa401"

static const int64_t cands3[] = {11, 12, 13};

/* The three reference entries of assembly 7. */
static struct chain_entry ref(int i)
{
    struct chain_entry e = {.assembly_id = 7, .kind = CHAIN_BALLOT};
    switch (i) {
    case 1:
        e.seq = 1, e.voter = "P000", e.matter_id = 3, e.choice = 1, e.channel = CHAIN_ONLINE;
        e.entered_by = "u:42", e.ts = 1718000000;
        break;
    case 2:
        e.seq = 2, e.voter = "A+B", e.matter_id = 4, e.choice = 0, e.candidates = cands3;
        e.n_candidates = 3, e.channel = CHAIN_PAPER, e.entered_by = "grid:wang";
        e.ts = 1718000100, e.has_evidence = 1;
        assert_int_equal(chain_unhex(PHOTO, e.evidence, NULL), 0);
        break;
    default:
        e.seq = 3, e.kind = CHAIN_CORRECTION, e.corrects_seq = 1, e.voter = "P000";
        e.matter_id = 3, e.choice = 2, e.channel = CHAIN_PAPER, e.entered_by = "grid:wang";
        e.ts = 1718000200;
        break;
    }
    return e;
}

static void link_of(const unsigned char prev[32], const struct chain_entry *e,
                    unsigned char out[32])
{
    gg_err err;
    gg_err_clear(&err);
    if (chain_link(prev, e, out, &err) != 0)
        fail_msg("link refused: %s: %s", err.field, err.msg);
}

static void assert_hex(const unsigned char h[32], const char *want)
{
    char hex[CHAIN_HEX_LEN + 1];
    chain_hex(h, hex);
    assert_string_equal(hex, want);
}

static void test_encoding_bytes(void **state)
{
    (void)state;
    struct chain_entry e = ref(1);
    gg_buf b;
    gg_buf_init(&b, CHAIN_MAX_ENCODING);
    assert_int_equal(chain_encode(&e, &b, NULL), 0);
    assert_int_equal(b.len, 115);
    char hex[2 * 115 + 1];
    for (size_t i = 0; i < b.len; i++) {
        static const char d[] = "0123456789abcdef";
        hex[2 * i] = d[(unsigned char)b.data[i] >> 4];
        hex[2 * i + 1] = d[(unsigned char)b.data[i] & 15];
    }
    hex[2 * b.len] = '\0';
    assert_string_equal(hex, ENC1);
    gg_buf_free(&b);
}

static void test_known_links(void **state)
{
    (void)state;
    unsigned char g[32], l1[32], l2[32], l3[32], again[32];
    chain_genesis(7, g);
    assert_hex(g, GENESIS7);
    struct chain_entry e1 = ref(1), e2 = ref(2), e3 = ref(3);
    link_of(g, &e1, l1);
    assert_hex(l1, LINK1);
    link_of(l1, &e2, l2);
    assert_hex(l2, LINK2);
    link_of(l2, &e3, l3);
    assert_hex(l3, LINK3);
    link_of(l2, &e3, again); /* deterministic */
    assert_memory_equal(again, l3, 32);

    /* stored prev/link do not enter the link */
    memset(e1.prev, 0xab, 32);
    memset(e1.link, 0xcd, 32);
    link_of(g, &e1, again);
    assert_hex(again, LINK1);

    /* receipts round-trip, in either case */
    unsigned char back[32];
    assert_int_equal(chain_unhex(LINK2, back, NULL), 0);
    assert_memory_equal(back, l2, 32);
    assert_int_equal(
        chain_unhex("4B8FC1C98CFA7E4E68EA4DFE3C752113CA791B310E69653E84DA3C92B72AE2E6", back, NULL),
        0);
    assert_memory_equal(back, l2, 32);
    gg_err err;
    assert_int_equal(chain_unhex(LINK2 "0", back, &err), GG_EINVAL);
    assert_string_equal(err.field, "link");
    assert_int_equal(chain_unhex("4b8f", back, &err), GG_EINVAL);
    assert_int_equal(
        chain_unhex("zz8fc1c98cfa7e4e68ea4dfe3c752113ca791b310e69653e84da3c92b72ae2e6", back, &err),
        GG_EINVAL);
    assert_int_equal(chain_unhex(NULL, back, &err), GG_EINVAL);

    unsigned char g8[32];
    chain_genesis(8, g8);
    assert_memory_not_equal(g, g8, 32);
}

static void expect_links_differ(const struct chain_entry *a, const struct chain_entry *b)
{
    unsigned char g[32], la[32], lb[32];
    chain_genesis(7, g);
    link_of(g, a, la);
    link_of(g, b, lb);
    assert_memory_not_equal(la, lb, 32);
}

static void test_injective(void **state)
{
    (void)state;
    /* ("ab", "c") and ("a", "bc") concatenate alike but encode apart */
    struct chain_entry x = ref(1), y = ref(1);
    x.voter = "ab", x.entered_by = "c";
    y.voter = "a", y.entered_by = "bc";
    gg_buf bx, by;
    gg_buf_init(&bx, CHAIN_MAX_ENCODING);
    gg_buf_init(&by, CHAIN_MAX_ENCODING);
    assert_int_equal(chain_encode(&x, &bx, NULL), 0);
    assert_int_equal(chain_encode(&y, &by, NULL), 0);
    assert_int_equal(bx.len, by.len);
    assert_memory_not_equal(bx.data, by.data, bx.len);
    gg_buf_free(&bx);
    gg_buf_free(&by);
    expect_links_differ(&x, &y);

    /* each field alone changes the link */
    struct chain_entry base = ref(2), m;
    const int64_t other[] = {11, 12, 14}, fewer[] = {11, 12};
    m = base, m.assembly_id = 8;
    expect_links_differ(&base, &m);
    m = base, m.seq = 3;
    expect_links_differ(&base, &m);
    m = base, m.kind = CHAIN_CORRECTION, m.corrects_seq = 1;
    expect_links_differ(&base, &m);
    m = base, m.voter = "A+C";
    expect_links_differ(&base, &m);
    m = base, m.matter_id = 5;
    expect_links_differ(&base, &m);
    m = base, m.candidates = other;
    expect_links_differ(&base, &m);
    m = base, m.candidates = fewer, m.n_candidates = 2;
    expect_links_differ(&base, &m);
    m = base, m.channel = CHAIN_ONLINE;
    expect_links_differ(&base, &m);
    m = base, m.entered_by = "grid:li";
    expect_links_differ(&base, &m);
    m = base, m.ts = base.ts + 1;
    expect_links_differ(&base, &m);
    m = base, m.evidence[31] ^= 1;
    expect_links_differ(&base, &m);
    m = base, m.has_evidence = 0;
    expect_links_differ(&base, &m);
    m = base, m.n_candidates = 0; /* an empty approval ballot is its own entry */
    expect_links_differ(&base, &m);
    struct chain_entry c1 = ref(1), c2 = ref(1);
    c2.choice = 3;
    expect_links_differ(&c1, &c2);
    /* without evidence the evidence bytes are not read */
    c2 = ref(1);
    memset(c2.evidence, 0x55, 32);
    unsigned char g[32], l1[32], l2[32];
    chain_genesis(7, g);
    link_of(g, &c1, l1);
    link_of(g, &c2, l2);
    assert_memory_equal(l1, l2, 32);
    /* the same entry after a different link */
    chain_genesis(8, g);
    link_of(g, &c1, l2);
    assert_memory_not_equal(l1, l2, 32);
}

static void expect_refused(struct chain_entry e, const char *field)
{
    gg_buf b;
    gg_buf_init(&b, CHAIN_MAX_ENCODING);
    gg_err err;
    gg_err_clear(&err);
    unsigned char out[32] = {0}, zero[32] = {0};
    assert_int_equal(chain_encode(&e, &b, &err), GG_EINVAL);
    assert_string_equal(err.field, field);
    assert_int_equal(chain_link(zero, &e, out, &err), GG_EINVAL);
    assert_memory_equal(out, zero, 32); /* written only on success */
    gg_buf_free(&b);
}

static void test_encode_refusals(void **state)
{
    (void)state;
    struct chain_entry e;
    const int64_t down[] = {12, 11}, same[] = {11, 11};
    static char big[CHAIN_MAX_TEXT + 2];
    memset(big, 'a', CHAIN_MAX_TEXT + 1);
    e = ref(1), e.assembly_id = 0;
    expect_refused(e, "assembly_id");
    e = ref(1), e.seq = 0;
    expect_refused(e, "seq");
    e = ref(1), e.kind = (enum chain_kind)3;
    expect_refused(e, "kind");
    e = ref(1), e.voter = "";
    expect_refused(e, "voter");
    e = ref(1), e.voter = NULL;
    expect_refused(e, "voter");
    e = ref(1), e.voter = big;
    expect_refused(e, "voter");
    e = ref(1), e.voter = "\xff";
    expect_refused(e, "voter");
    e = ref(1), e.matter_id = -1;
    expect_refused(e, "matter_id");
    e = ref(1), e.choice = 4;
    expect_refused(e, "choice");
    e = ref(1), e.candidates = cands3, e.n_candidates = 3; /* agree and a candidate list */
    expect_refused(e, "candidates");
    e = ref(2), e.candidates = down, e.n_candidates = 2;
    expect_refused(e, "candidates");
    e = ref(2), e.candidates = same, e.n_candidates = 2;
    expect_refused(e, "candidates");
    e = ref(2), e.n_candidates = CHAIN_MAX_CANDIDATES + 1;
    expect_refused(e, "candidates");
    e = ref(1), e.channel = (enum chain_channel)0;
    expect_refused(e, "channel");
    e = ref(1), e.entered_by = "";
    expect_refused(e, "entered_by");
    e = ref(1), e.ts = -1;
    expect_refused(e, "ts");
    e = ref(1), e.corrects_seq = 1; /* a ballot corrects nothing */
    expect_refused(e, "corrects_seq");
    e = ref(3), e.corrects_seq = 3; /* a correction names an earlier entry */
    expect_refused(e, "corrects_seq");
    e = ref(3), e.corrects_seq = 0;
    expect_refused(e, "corrects_seq");

    /* the longest texts fit */
    static char max[CHAIN_MAX_TEXT + 1];
    memset(max, 'b', CHAIN_MAX_TEXT);
    e = ref(2), e.voter = max, e.entered_by = max;
    unsigned char g[32], out[32];
    chain_genesis(7, g);
    link_of(g, &e, out);
}

/* A chain of n entries of assembly 7: voters V0.., alternating online and paper. */
#define NCH 6
static char names[NCH][8];

static void make_chain(struct chain_entry *c, size_t n)
{
    unsigned char prev[32];
    chain_genesis(7, prev);
    for (size_t i = 0; i < n; i++) {
        names[i][0] = 'V';
        names[i][1] = (char)('0' + i);
        names[i][2] = '\0';
        c[i] = (struct chain_entry){.assembly_id = 7,
                                    .seq = (int64_t)i + 1,
                                    .kind = CHAIN_BALLOT,
                                    .voter = names[i],
                                    .matter_id = 3,
                                    .choice = 1 + (int)i % 3,
                                    .channel = i % 2 ? CHAIN_PAPER : CHAIN_ONLINE,
                                    .entered_by = "grid:wang",
                                    .ts = 1718000000 + (int64_t)i};
        memcpy(c[i].prev, prev, 32);
        link_of(prev, &c[i], c[i].link);
        memcpy(prev, c[i].link, 32);
    }
}

static void expect_bad(const struct chain_entry *c, size_t n, size_t want, const char *field,
                       const char *needle)
{
    unsigned char g[32];
    chain_genesis(7, g);
    size_t bad = 999;
    gg_err err;
    gg_err_clear(&err);
    assert_int_equal(chain_verify(c, n, g, &bad, &err), GG_ERULE);
    assert_int_equal(bad, want);
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_verify_intact(void **state)
{
    (void)state;
    struct chain_entry c[NCH];
    make_chain(c, NCH);
    unsigned char g[32];
    chain_genesis(7, g);
    size_t bad = 999;
    assert_int_equal(chain_verify(c, NCH, g, &bad, NULL), 0);
    assert_int_equal(bad, 999);
    assert_int_equal(chain_verify(c, 0, g, &bad, NULL), 0);
    /* a tail verified from the link before it */
    assert_int_equal(chain_verify(c + 2, NCH - 2, c[1].link, &bad, NULL), 0);
    /* the reference entries form a valid chain too */
    struct chain_entry r[3] = {ref(1), ref(2), ref(3)};
    unsigned char p[32];
    memcpy(p, g, 32);
    for (int i = 0; i < 3; i++) {
        memcpy(r[i].prev, p, 32);
        link_of(p, &r[i], r[i].link);
        memcpy(p, r[i].link, 32);
    }
    assert_int_equal(chain_verify(r, 3, g, &bad, NULL), 0);
    assert_hex(r[2].link, LINK3);
}

static void test_verify_edited(void **state)
{
    (void)state;
    struct chain_entry c[NCH];
    make_chain(c, NCH);
    c[3].choice = c[3].choice % 3 + 1; /* the choice changed in the database */
    expect_bad(c, NCH, 3, "link", "entry 3 (seq 4) does not match its link: it was edited");

    make_chain(c, NCH);
    c[4].voter = "V9";
    expect_bad(c, NCH, 4, "link", "edited");

    make_chain(c, NCH);
    c[0].channel = CHAIN_PAPER;
    expect_bad(c, NCH, 0, "link", "edited");

    make_chain(c, NCH);
    c[5].link[0] ^= 1; /* the receipt column itself */
    expect_bad(c, NCH, 5, "link", "edited");

    make_chain(c, NCH);
    c[2].prev[31] ^= 1;
    expect_bad(c, NCH, 2, "link", "edited");

    /* edited and its own link recomputed: the next entry no longer follows it */
    make_chain(c, NCH);
    c[2].choice = c[2].choice % 3 + 1;
    link_of(c[2].prev, &c[2], c[2].link);
    expect_bad(c, NCH, 3, "prev", "entry 3 (seq 4) does not follow entry 2");

    /* a stored row the encoder refuses is reported at its index */
    make_chain(c, NCH);
    c[1].choice = 9;
    expect_bad(c, NCH, 1, "choice", "entry 1 (seq 2)");
}

static void test_verify_removed(void **state)
{
    (void)state;
    struct chain_entry c[NCH], d[NCH];
    make_chain(c, NCH);
    /* row 2 (seq 3) deleted */
    size_t n = 0;
    for (size_t i = 0; i < NCH; i++)
        if (i != 2)
            d[n++] = c[i];
    expect_bad(d, n, 2, "seq", "entry 2 has seq 4 where 3 was expected");

    /* two rows deleted */
    n = 0;
    for (size_t i = 0; i < NCH; i++)
        if (i != 1 && i != 2)
            d[n++] = c[i];
    expect_bad(d, n, 1, "seq", "entries 2 to 3 were removed");

    /* the first row deleted */
    expect_bad(c + 1, NCH - 1, 0, "prev", "entry 0 (seq 2) does not start from the given");

    /* the last row deleted cannot show without the published head */
    unsigned char g[32];
    chain_genesis(7, g);
    size_t bad = 999;
    assert_int_equal(chain_verify(c, NCH - 1, g, &bad, NULL), 0);
    assert_memory_not_equal(c[NCH - 2].link, c[NCH - 1].link, 32);
}

static void test_verify_reordered(void **state)
{
    (void)state;
    struct chain_entry c[NCH], t;
    make_chain(c, NCH);
    t = c[3], c[3] = c[4], c[4] = t; /* rows seq 4 and 5 swapped */
    expect_bad(c, NCH, 3, "seq", "entry 3 has seq 5 where 4 was expected");

    make_chain(c, NCH);
    t = c[0], c[0] = c[1], c[1] = t;
    expect_bad(c, NCH, 0, "prev", "entry 0 (seq 2)");

    /* swapped and renumbered to hide it: the seq is in the link */
    make_chain(c, NCH);
    t = c[3], c[3] = c[4], c[4] = t;
    c[3].seq = 4, c[4].seq = 5;
    expect_bad(c, NCH, 3, "link", "edited");

    /* a row duplicated */
    struct chain_entry d[NCH + 1];
    make_chain(c, NCH);
    memcpy(d, c, 4 * sizeof(c[0]));
    d[4] = c[3];
    memcpy(d + 5, c + 4, 2 * sizeof(c[0]));
    expect_bad(d, NCH + 1, 4, "seq", "entry 4 has seq 4 after seq 4: entries were reordered");

    /* a row from another assembly's chain */
    make_chain(c, NCH);
    c[2].assembly_id = 8;
    link_of(c[2].prev, &c[2], c[2].link); /* intact in itself */
    expect_bad(c, NCH, 2, "assembly_id", "belongs to assembly 8, not 7");

    /* a chain started from the wrong genesis */
    make_chain(c, NCH);
    unsigned char g8[32];
    chain_genesis(8, g8);
    size_t bad = 999;
    assert_int_equal(chain_verify(c, NCH, g8, &bad, NULL), GG_ERULE);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_bytes), cmocka_unit_test(test_known_links),
        cmocka_unit_test(test_injective),      cmocka_unit_test(test_encode_refusals),
        cmocka_unit_test(test_verify_intact),  cmocka_unit_test(test_verify_edited),
        cmocka_unit_test(test_verify_removed), cmocka_unit_test(test_verify_reordered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
