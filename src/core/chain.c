/*
 * chain.c — canonical encoding, links and verification of the ballot chain.
 *
 * libsodium serves only as a hash library here (crypto_generichash is
 * BLAKE2b); no key, no I/O. Verification checks each entry against itself
 * before against its neighbour, so that an edited row is called edited and
 * a removed or moved row is called that, at the index where it shows.
 */
#include "chain.h"

#include <sodium.h>
#include <string.h>

#define CHAIN_MAGIC "GGB1"
#define CHAIN_GENESIS_TAG "gridgov ballot chain v1"

enum {
    TAG_ASSEMBLY = 0x01,
    TAG_SEQ = 0x02,
    TAG_KIND = 0x03,
    TAG_VOTER = 0x04,
    TAG_MATTER = 0x05,
    TAG_CHOICE = 0x06,
    TAG_CANDIDATES = 0x07,
    TAG_CHANNEL = 0x08,
    TAG_ENTERED_BY = 0x09,
    TAG_TS = 0x0a,
    TAG_CORRECTS = 0x0b,
    TAG_EVIDENCE = 0x0c,
};

static void be64(int64_t v, unsigned char out[8])
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

/* tag, 4-byte big-endian length, bytes. Lengths are capped far below 2^32 by the callers. */
static int put_field(gg_buf *b, int tag, const void *p, size_t n)
{
    unsigned char h[5] = {(unsigned char)tag, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8), (unsigned char)n};
    int rc = gg_buf_append(b, h, sizeof(h));
    return rc ? rc : gg_buf_append(b, p, n);
}

static int put_i64(gg_buf *b, int tag, int64_t v)
{
    unsigned char x[8];
    be64(v, x);
    return put_field(b, tag, x, sizeof(x));
}

static int put_u8(gg_buf *b, int tag, int v)
{
    unsigned char x = (unsigned char)v;
    return put_field(b, tag, &x, 1);
}

static int text_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= CHAIN_MAX_TEXT && gg_utf8_valid(s, n);
}

/* Every rule of the header, checked before a byte is written. */
static int entry_check(const struct chain_entry *e, gg_err *err)
{
    if (e->assembly_id < 1)
        return gg_fail(err, GG_EINVAL, "assembly_id", "assembly_id must be at least 1");
    if (e->seq < 1)
        return gg_fail(err, GG_EINVAL, "seq", "seq must be at least 1");
    if (e->kind != CHAIN_BALLOT && e->kind != CHAIN_CORRECTION)
        return gg_fail(err, GG_EINVAL, "kind", "kind must be ballot or correction");
    if (!text_ok(e->voter))
        return gg_fail(err, GG_EINVAL, "voter", "voter must be 1 to %d bytes of UTF-8",
                       CHAIN_MAX_TEXT);
    if (e->matter_id < 1)
        return gg_fail(err, GG_EINVAL, "matter_id", "matter_id must be at least 1");
    if (e->choice < 0 || e->choice > 3)
        return gg_fail(err, GG_EINVAL, "choice",
                       "choice must be agree, disagree, abstain or 0 for an election ballot");
    if (e->choice != 0 && e->n_candidates != 0)
        return gg_fail(err, GG_EINVAL, "candidates",
                       "only an election ballot (choice 0) lists candidates");
    if (e->n_candidates > CHAIN_MAX_CANDIDATES)
        return gg_fail(err, GG_EINVAL, "candidates", "at most %d candidates", CHAIN_MAX_CANDIDATES);
    if (e->n_candidates && !e->candidates)
        return gg_fail(err, GG_EINVAL, "candidates", "candidates missing");
    for (size_t i = 1; i < e->n_candidates; i++)
        if (e->candidates[i - 1] >= e->candidates[i])
            return gg_fail(err, GG_EINVAL, "candidates",
                           "candidates must be strictly ascending, so one set has one encoding");
    if (e->channel != CHAIN_ONLINE && e->channel != CHAIN_PAPER)
        return gg_fail(err, GG_EINVAL, "channel", "channel must be online or paper");
    if (!text_ok(e->entered_by))
        return gg_fail(err, GG_EINVAL, "entered_by", "entered_by must be 1 to %d bytes of UTF-8",
                       CHAIN_MAX_TEXT);
    if (e->ts < 0)
        return gg_fail(err, GG_EINVAL, "ts", "ts must not be negative");
    if (e->kind == CHAIN_BALLOT && e->corrects_seq != 0)
        return gg_fail(err, GG_EINVAL, "corrects_seq", "a ballot corrects nothing");
    if (e->kind == CHAIN_CORRECTION && (e->corrects_seq < 1 || e->corrects_seq >= e->seq))
        return gg_fail(err, GG_EINVAL, "corrects_seq",
                       "a correction must name an earlier entry (1 to seq - 1)");
    return 0;
}

int chain_encode(const struct chain_entry *e, gg_buf *out, gg_err *err)
{
    if (!e || !out)
        return gg_fail(err, GG_EINVAL, "entry", "entry missing");
    int rc = entry_check(e, err);
    if (rc)
        return rc;
    unsigned char cand[CHAIN_MAX_CANDIDATES * 8];
    for (size_t i = 0; i < e->n_candidates; i++)
        be64(e->candidates[i], &cand[i * 8]);

    rc = gg_buf_append(out, CHAIN_MAGIC, 4);
    rc = rc ? rc : put_i64(out, TAG_ASSEMBLY, e->assembly_id);
    rc = rc ? rc : put_i64(out, TAG_SEQ, e->seq);
    rc = rc ? rc : put_u8(out, TAG_KIND, e->kind);
    rc = rc ? rc : put_field(out, TAG_VOTER, e->voter, strlen(e->voter));
    rc = rc ? rc : put_i64(out, TAG_MATTER, e->matter_id);
    rc = rc ? rc : put_u8(out, TAG_CHOICE, e->choice);
    rc = rc ? rc : put_field(out, TAG_CANDIDATES, cand, e->n_candidates * 8);
    rc = rc ? rc : put_u8(out, TAG_CHANNEL, e->channel);
    rc = rc ? rc : put_field(out, TAG_ENTERED_BY, e->entered_by, strlen(e->entered_by));
    rc = rc ? rc : put_i64(out, TAG_TS, e->ts);
    rc = rc ? rc : put_i64(out, TAG_CORRECTS, e->corrects_seq);
    rc = rc ? rc : put_field(out, TAG_EVIDENCE, e->evidence, e->has_evidence ? CHAIN_HASH_LEN : 0);
    if (rc)
        return gg_fail(err, rc, "entry", "the encoded entry exceeds its buffer");
    return 0;
}

void chain_genesis(int64_t assembly_id, unsigned char out[CHAIN_HASH_LEN])
{
    unsigned char msg[sizeof(CHAIN_GENESIS_TAG) - 1 + 8];
    memcpy(msg, CHAIN_GENESIS_TAG, sizeof(CHAIN_GENESIS_TAG) - 1);
    be64(assembly_id, msg + sizeof(CHAIN_GENESIS_TAG) - 1);
    crypto_generichash(out, CHAIN_HASH_LEN, msg, sizeof(msg), NULL, 0);
}

int chain_link(const unsigned char prev[CHAIN_HASH_LEN], const struct chain_entry *e,
               unsigned char out[CHAIN_HASH_LEN], gg_err *err)
{
    if (sodium_init() < 0) /* idempotent; picks the fastest BLAKE2b, same result */
        return gg_fail(err, GG_EIO, "", "libsodium failed to initialise");
    gg_buf b;
    gg_buf_init(&b, CHAIN_MAX_ENCODING);
    int rc = gg_buf_append(&b, prev, CHAIN_HASH_LEN);
    if (rc == 0)
        rc = chain_encode(e, &b, err);
    if (rc == 0)
        crypto_generichash(out, CHAIN_HASH_LEN, (const unsigned char *)b.data, b.len, NULL, 0);
    gg_buf_free(&b);
    return rc;
}

void chain_hex(const unsigned char h[CHAIN_HASH_LEN], char out[CHAIN_HEX_LEN + 1])
{
    sodium_bin2hex(out, CHAIN_HEX_LEN + 1, h, CHAIN_HASH_LEN);
}

int chain_unhex(const char *s, unsigned char out[CHAIN_HASH_LEN], gg_err *err)
{
    unsigned char tmp[CHAIN_HASH_LEN];
    size_t n = 0;
    if (!s || strlen(s) != CHAIN_HEX_LEN ||
        sodium_hex2bin(tmp, sizeof(tmp), s, CHAIN_HEX_LEN, NULL, &n, NULL) != 0 ||
        n != CHAIN_HASH_LEN)
        return gg_fail(err, GG_EINVAL, "link", "a link is exactly %d hex digits", CHAIN_HEX_LEN);
    memcpy(out, tmp, sizeof(tmp));
    return 0;
}

/* Say why entry i, intact in itself, does not follow the entry before it. */
static int broken_at(const struct chain_entry *entries, size_t i, size_t *bad_index, gg_err *err)
{
    const struct chain_entry *e = &entries[i];
    *bad_index = i;
    if (i == 0)
        return gg_fail(err, GG_ERULE, "prev",
                       "entry 0 (seq %lld) does not start from the given first link: earlier "
                       "entries are missing or it belongs elsewhere",
                       (long long)e->seq);
    int64_t want = entries[i - 1].seq + 1;
    if (e->seq > want)
        return gg_fail(err, GG_ERULE, "seq",
                       "entry %zu has seq %lld where %lld was expected: entries %lld to %lld "
                       "were removed or moved",
                       i, (long long)e->seq, (long long)want, (long long)want,
                       (long long)e->seq - 1);
    if (e->seq < want)
        return gg_fail(
            err, GG_ERULE, "seq",
            "entry %zu has seq %lld after seq %lld: entries were reordered or duplicated", i,
            (long long)e->seq, (long long)entries[i - 1].seq);
    return gg_fail(err, GG_ERULE, "prev",
                   "entry %zu (seq %lld) does not follow entry %zu: one of the two was rewritten",
                   i, (long long)e->seq, i - 1);
}

int chain_verify(const struct chain_entry *entries, size_t n,
                 const unsigned char first_prev[CHAIN_HASH_LEN], size_t *bad_index, gg_err *err)
{
    if ((n && !entries) || !first_prev || !bad_index)
        return gg_fail(err, GG_EINVAL, "entries", "entries missing");
    const unsigned char *p = first_prev;
    for (size_t i = 0; i < n; i++) {
        const struct chain_entry *e = &entries[i];
        unsigned char h[CHAIN_HASH_LEN];
        int rc = chain_link(e->prev, e, h, err);
        if (rc == GG_EIO)
            return rc;
        if (rc) {
            *bad_index = i;
            char field[sizeof(err->field)], msg[sizeof(err->msg)]; /* sizeof: err unevaluated */
            gg_strlcpy(field, err ? err->field : "", sizeof(field));
            gg_strlcpy(msg, err ? err->msg : "", sizeof(msg));
            return gg_fail(err, GG_ERULE, field, "entry %zu (seq %lld): %s", i, (long long)e->seq,
                           msg);
        }
        if (sodium_memcmp(h, e->link, CHAIN_HASH_LEN) != 0) {
            *bad_index = i;
            return gg_fail(err, GG_ERULE, "link",
                           "entry %zu (seq %lld) does not match its link: it was edited", i,
                           (long long)e->seq);
        }
        if (e->assembly_id != entries[0].assembly_id) {
            *bad_index = i;
            return gg_fail(err, GG_ERULE, "assembly_id",
                           "entry %zu (seq %lld) belongs to assembly %lld, not %lld", i,
                           (long long)e->seq, (long long)e->assembly_id,
                           (long long)entries[0].assembly_id);
        }
        if (sodium_memcmp(e->prev, p, CHAIN_HASH_LEN) != 0)
            return broken_at(entries, i, bad_index, err);
        p = e->link;
    }
    return 0;
}
