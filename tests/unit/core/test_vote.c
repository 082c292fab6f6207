/*
 * test_vote.c — unit tests of src/core/vote.c: the owner roll's counting
 * rules, every art. 278 threshold at, one below and one above its boundary
 * (area in hundredths, headcount in owners), the committee election and the
 * 30-day filing deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vote.h"

/* ---- fixtures ------------------------------------------------------------ */

#define MAXU 300

/* n units "U000".. each owned alone by a person "P000".. (so voter i is "P%03d"). */
static struct {
    char ids[MAXU][24];
    char keys[MAXU][24];
    struct vote_owner_in owners[MAXU];
    struct vote_unit_in units[MAXU];
} fx;

static vote_roll *persons(const int64_t *areas, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(fx.ids[i], sizeof(fx.ids[i]), "U%03zu", i);
        snprintf(fx.keys[i], sizeof(fx.keys[i]), "P%03zu", i);
        fx.owners[i] = (struct vote_owner_in){fx.keys[i], VOTE_OWNER_PERSON, 0};
        fx.units[i] =
            (struct vote_unit_in){fx.ids[i], areas[i], VOTE_AREA_REGISTERED, &fx.owners[i], 1};
    }
    vote_roll *r = NULL;
    gg_err err;
    gg_err_clear(&err);
    int rc = vote_roll_build(fx.units, n, &r, &err);
    if (rc != 0)
        fail_msg("roll refused: %s", err.msg);
    return r;
}

/* Add delta to areas[from..to) (step +1 or -1) in pieces of at most 500, keeping each >= 500. */
static void spread(int64_t *areas, long from, long to, long step, int64_t delta)
{
    for (long i = from; i != to && delta != 0; i += step) {
        int64_t d = delta > 500 ? 500 : delta < -500 ? -500 : delta;
        areas[i] += d;
        delta -= d;
    }
    assert_int_equal(delta, 0);
}

/*
 * 300 units of 10.00 m² (total 300000 hundredths, 300 heads), reshaped so the
 * first k units hold exactly `target` hundredths while the total stays 300000.
 */
static void shape(int64_t *areas, size_t k, int64_t target)
{
    for (size_t i = 0; i < MAXU; i++)
        areas[i] = 1000;
    int64_t delta = target - (int64_t)k * 1000;
    spread(areas, 0, (long)k, 1, delta);
    spread(areas, MAXU - 1, (long)k - 1, -1, -delta);
}

/* Tally item over a 300-unit roll where the first n_vote voters vote: the first k agree. */
static void tally300(int item, size_t k, int64_t k_area, size_t n_vote, struct vote_tally *t)
{
    int64_t areas[MAXU];
    shape(areas, k, k_area);
    vote_roll *r = persons(areas, MAXU);
    struct vote_ballot b[MAXU];
    for (size_t i = 0; i < n_vote; i++)
        b[i] = (struct vote_ballot){fx.keys[i], i < k ? VOTE_AGREE : VOTE_DISAGREE};
    gg_err err;
    assert_int_equal(vote_tally_matter(r, item, b, n_vote, t, &err), 0);
    assert_int_equal(t->total.area_centi, 300000);
    assert_int_equal(t->total.heads, 300);
    assert_int_equal(t->agree.heads, (int64_t)k);
    assert_int_equal(t->agree.area_centi, k_area);
    vote_roll_free(r);
}

static vote_roll *build_ok(const struct vote_unit_in *u, size_t n)
{
    vote_roll *r = NULL;
    gg_err err;
    gg_err_clear(&err);
    if (vote_roll_build(u, n, &r, &err) != 0)
        fail_msg("roll refused: %s", err.msg);
    return r;
}

static void build_refused(const struct vote_unit_in *u, size_t n, int code, const char *field,
                          const char *needle)
{
    vote_roll *r = (vote_roll *)&fx; /* sentinel: must stay untouched */
    gg_err err;
    gg_err_clear(&err);
    assert_int_equal(vote_roll_build(u, n, &r, &err), code);
    assert_ptr_equal(r, (vote_roll *)&fx);
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static const struct vote_voter *voter(const vote_roll *r, const char *identity)
{
    size_t i;
    if (vote_roll_find(r, identity, &i) != 0)
        fail_msg("no voter %s", identity);
    return vote_roll_voter(r, i);
}

#define P(k)                                                                                       \
    {                                                                                              \
        k, VOTE_OWNER_PERSON, 0                                                                    \
    }
#define ORG(k)                                                                                     \
    {                                                                                              \
        k, VOTE_OWNER_ORG, 0                                                                       \
    }
#define DEV(k, h)                                                                                  \
    {                                                                                              \
        k, VOTE_OWNER_DEVELOPER, h                                                                 \
    }
#define UNIT(id, area, src, owners)                                                                \
    {                                                                                              \
        id, area, src, owners, GG_ARRAY_LEN(owners)                                                \
    }

/* ---- the roll ------------------------------------------------------------- */

static void test_developer_unsold_count_as_one(void **state)
{
    (void)state;
    struct vote_owner_in d[] = {DEV("D", 0)}, p[] = {P("P")}, q[] = {P("Q")};
    struct vote_unit_in u[] = {
        UNIT("A1", 10000, VOTE_AREA_REGISTERED, d), UNIT("B1", 9000, VOTE_AREA_REGISTERED, p),
        UNIT("A2", 20000, VOTE_AREA_REGISTERED, d), UNIT("B2", 8000, VOTE_AREA_REGISTERED, q),
        UNIT("A3", 30000, VOTE_AREA_REGISTERED, d),
    };
    vote_roll *r = build_ok(u, GG_ARRAY_LEN(u));
    struct vote_roll_totals t;
    vote_roll_get_totals(r, &t);
    assert_int_equal(t.heads, 3); /* D's three units are one person, plus P and Q */
    assert_int_equal(t.area_centi, 77000);
    assert_int_equal(t.n_units, 5);
    const struct vote_voter *v = voter(r, "D");
    assert_true(v->developer_pool);
    assert_int_equal(v->n_units, 3);
    assert_int_equal(v->area_centi, 60000);
    assert_string_equal(v->units[0].unit_id, "A1");
    assert_string_equal(v->units[2].unit_id, "A3");
    assert_false(voter(r, "P")->developer_pool);
    assert_int_equal(voter(r, "P")->area_centi, 9000);
    vote_roll_free(r);
}

static void test_developer_handed_over_counts_with_buyer(void **state)
{
    (void)state;
    struct vote_owner_in unsold[] = {DEV("D", 0)};
    struct vote_owner_in handed[] = {DEV("D", 1), P("R")};
    struct vote_owner_in sold_not_delivered[] = {P("S"), DEV("D", 0)};
    struct vote_unit_in u[] = {
        UNIT("1-101", 10000, VOTE_AREA_REGISTERED, unsold),
        UNIT("1-102", 11000, VOTE_AREA_REGISTERED, handed),
        UNIT("1-103", 12000, VOTE_AREA_REGISTERED, sold_not_delivered),
    };
    vote_roll *r = build_ok(u, GG_ARRAY_LEN(u));
    struct vote_roll_totals t;
    vote_roll_get_totals(r, &t);
    assert_int_equal(t.heads, 2); /* D (1-101, 1-103) and R (1-102) */
    assert_int_equal(t.area_centi, 33000);
    const struct vote_voter *d = voter(r, "D");
    assert_int_equal(d->n_units, 2);
    assert_int_equal(d->area_centi, 22000);
    assert_string_equal(d->units[1].unit_id, "1-103");
    const struct vote_voter *rv = voter(r, "R");
    assert_int_equal(rv->area_centi, 11000);
    assert_false(rv->developer_pool);
    size_t i;
    assert_int_equal(vote_roll_find(r, "S", &i), GG_ENOTFOUND); /* not delivered: not S's vote */
    assert_int_equal(vote_roll_find(r, "D+R", &i), GG_ENOTFOUND);
    const struct vote_roll_unit *unit;
    assert_int_equal(vote_roll_find_unit(r, "1-102", &unit), 0);
    assert_string_equal(vote_roll_voter(r, unit->voter)->identity, "R");
    vote_roll_free(r);

    /* handed over but nobody to count it for */
    struct vote_owner_in orphan[] = {DEV("D", 1)};
    struct vote_unit_in bad[] = {UNIT("1-104", 10000, VOTE_AREA_REGISTERED, orphan)};
    build_refused(bad, 1, GG_ERULE, "owners", "1-104: handed over by the developer but no buyer");
    /* two developers on one unit */
    struct vote_owner_in two[] = {DEV("D", 0), DEV("E", 0)};
    struct vote_unit_in bad2[] = {UNIT("1-105", 10000, VOTE_AREA_REGISTERED, two)};
    build_refused(bad2, 1, GG_ERULE, "owners", "more than one developer");
}

static void test_multi_unit_buyer_counts_once(void **state)
{
    (void)state;
    struct vote_owner_in p[] = {P("P")}, q[] = {P("Q")}, o[] = {ORG("ORG1")};
    struct vote_unit_in u[] = {
        UNIT("3-301", 8950, VOTE_AREA_REGISTERED, p), UNIT("1-101", 10001, VOTE_AREA_REGISTERED, p),
        UNIT("2-201", 7049, VOTE_AREA_REGISTERED, p), UNIT("2-202", 7000, VOTE_AREA_REGISTERED, q),
        UNIT("S-01", 50000, VOTE_AREA_REGISTERED, o), UNIT("S-02", 50000, VOTE_AREA_REGISTERED, o),
    };
    vote_roll *r = build_ok(u, GG_ARRAY_LEN(u));
    struct vote_roll_totals t;
    vote_roll_get_totals(r, &t);
    assert_int_equal(t.heads, 3);
    assert_int_equal(t.area_centi, 8950 + 10001 + 7049 + 7000 + 100000);
    const struct vote_voter *v = voter(r, "P");
    assert_int_equal(v->n_units, 3);
    assert_int_equal(v->area_centi, 26000);
    assert_string_equal(v->units[0].unit_id, "1-101"); /* sorted, whatever the input order */
    assert_string_equal(v->units[1].unit_id, "2-201");
    assert_string_equal(v->units[2].unit_id, "3-301");
    assert_int_equal(voter(r, "ORG1")->area_centi, 100000);
    assert_int_equal(voter(r, "ORG1")->n_units, 2);
    vote_roll_free(r);
}

static void test_co_owners_count_once(void **state)
{
    (void)state;
    struct vote_owner_in ab[] = {P("A"), P("B")}, ba[] = {P("B"), P("A")}, a[] = {P("A")};
    struct vote_owner_in c[] = {P("C")};
    struct vote_unit_in u[] = {
        UNIT("U1", 10000, VOTE_AREA_REGISTERED, ab),
        UNIT("U2", 20000, VOTE_AREA_REGISTERED, ba),
        UNIT("U3", 30000, VOTE_AREA_REGISTERED, a),
        UNIT("U4", 40000, VOTE_AREA_REGISTERED, c),
    };
    vote_roll *r = build_ok(u, GG_ARRAY_LEN(u));
    struct vote_roll_totals t;
    vote_roll_get_totals(r, &t);
    /* "A+B" (U1, U2), "A" (U3), "C" (U4) */
    assert_int_equal(t.heads, 3);
    assert_int_equal(t.area_centi, 100000);
    assert_int_equal(vote_roll_voter_count(r), 3);
    const struct vote_voter *v = voter(r, "A+B");
    assert_int_equal(v->n_units, 2);
    assert_int_equal(v->area_centi, 30000);
    assert_int_equal(v->n_members, 2);
    assert_string_equal(v->members[0], "A");
    assert_string_equal(v->members[1], "B");
    /* A alone and A with B are different voters, flagged for review */
    assert_true(v->overlap);
    assert_true(voter(r, "A")->overlap);
    assert_int_equal(voter(r, "A")->area_centi, 30000);
    assert_false(voter(r, "C")->overlap);
    assert_int_equal(t.n_overlap, 2);
    /* sorted by identity */
    assert_string_equal(vote_roll_voter(r, 0)->identity, "A");
    assert_string_equal(vote_roll_voter(r, 1)->identity, "A+B");
    assert_string_equal(vote_roll_voter(r, 2)->identity, "C");
    assert_null(vote_roll_voter(r, 3));

    size_t idx[4];
    assert_int_equal(vote_roll_owner_voters(r, "A", idx, 4), 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(vote_roll_owner_voters(r, "B", idx, 4), 1);
    assert_int_equal(idx[0], 1);
    assert_int_equal(vote_roll_owner_voters(r, "A", idx, 1), 2); /* count beyond max */
    assert_int_equal(vote_roll_owner_voters(r, "Z", idx, 4), 0);
    assert_int_equal(vote_roll_owner_voters(r, "", idx, 4), 0);
    vote_roll_free(r);
}

static void test_area_sources_and_units_without_area(void **state)
{
    (void)state;
    struct vote_owner_in a[] = {P("A")}, b[] = {P("B")}, c[] = {P("C")};
    struct vote_unit_in u[] = {
        UNIT("U1", 10000, VOTE_AREA_REGISTERED, a),
        UNIT("U2", 9000, VOTE_AREA_SURVEYED, b), /* not yet registered: surveyed area */
        UNIT("U3", 8000, VOTE_AREA_CONTRACT, c), /* not yet surveyed: contract area */
    };
    vote_roll *r = build_ok(u, GG_ARRAY_LEN(u));
    struct vote_roll_totals t;
    vote_roll_get_totals(r, &t);
    assert_int_equal(t.area_centi, 27000);
    assert_int_equal(t.heads, 3);
    assert_int_equal(t.by_source[VOTE_AREA_REGISTERED], 1);
    assert_int_equal(t.by_source[VOTE_AREA_SURVEYED], 1);
    assert_int_equal(t.by_source[VOTE_AREA_CONTRACT], 1);
    assert_int_equal(t.by_source[VOTE_AREA_NONE], 0);
    const struct vote_roll_unit *unit;
    assert_int_equal(vote_roll_find_unit(r, "U2", &unit), 0);
    assert_int_equal(unit->area_source, VOTE_AREA_SURVEYED);
    assert_int_equal(unit->area_centi, 9000);
    assert_int_equal(vote_roll_find_unit(r, "U9", &unit), GG_ENOTFOUND);
    vote_roll_free(r);

    /* a unit with no area of any kind cannot be weighed: refused, named */
    struct vote_unit_in none[] = {UNIT("U1", 10000, VOTE_AREA_REGISTERED, a),
                                  UNIT("7-702", 0, VOTE_AREA_NONE, b)};
    build_refused(none, 2, GG_ERULE, "area_source", "7-702: has no registered, surveyed");
    struct vote_unit_in zero[] = {UNIT("7-703", 0, VOTE_AREA_SURVEYED, b)};
    build_refused(zero, 1, GG_EINVAL, "area_centi", "7-703");
    struct vote_unit_in big[] = {UNIT("7-704", AREA_MAX_CENTI + 1, VOTE_AREA_SURVEYED, b)};
    build_refused(big, 1, GG_EINVAL, "area_centi", "7-704");
    struct vote_unit_in max[] = {UNIT("7-705", AREA_MAX_CENTI, VOTE_AREA_SURVEYED, b)};
    vote_roll_free(build_ok(max, 1));
}

static void test_roll_refusals(void **state)
{
    (void)state;
    struct vote_owner_in a[] = {P("A")}, b[] = {P("B")}, twice[] = {P("A"), P("A")};
    struct vote_owner_in plus[] = {P("A+B")}, space[] = {P("A B")}, empty[] = {P("")};
    struct vote_owner_in devp[] = {DEV("A", 0)};

    struct vote_unit_in dup[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, a),
                                 UNIT("U1", 100, VOTE_AREA_REGISTERED, b)};
    build_refused(dup, 2, GG_ERULE, "unit_id", "unit U1 is listed twice");
    struct vote_unit_in tw[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, twice)};
    build_refused(tw, 1, GG_EINVAL, "owners", "listed twice");
    struct vote_unit_in pl[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, plus)};
    build_refused(pl, 1, GG_EINVAL, "owner_key", "without '+'");
    struct vote_unit_in sp[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, space)};
    build_refused(sp, 1, GG_EINVAL, "owner_key", "U1");
    struct vote_unit_in em[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, empty)};
    build_refused(em, 1, GG_EINVAL, "owner_key", "U1");
    struct vote_unit_in kinds[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, a),
                                   UNIT("U2", 100, VOTE_AREA_REGISTERED, devp)};
    build_refused(kinds, 2, GG_ERULE, "kind", "a person on unit U1 but a developer on unit U2");
    struct vote_unit_in noowner[] = {{"U1", 100, VOTE_AREA_REGISTERED, a, 0}};
    build_refused(noowner, 1, GG_ERULE, "owners", "U1: no owner");
    struct vote_unit_in noid[] = {{"", 100, VOTE_AREA_REGISTERED, a, 1}};
    build_refused(noid, 1, GG_EINVAL, "unit_id", "unit 0");
    build_refused(dup, 0, GG_ERULE, "units", "no units");

    /* an ID number in a message is masked */
    struct vote_owner_in idn[] = {P("150781199001011234"), P("150781199001011234")};
    struct vote_unit_in idu[] = {UNIT("U1", 100, VOTE_AREA_REGISTERED, idn)};
    build_refused(idu, 1, GG_EINVAL, "owners", "owner 150***********1234 is listed twice");
}

static void test_roll_order_independent(void **state)
{
    (void)state;
    struct vote_owner_in a[] = {P("A")}, bc[] = {P("C"), P("B")}, d[] = {DEV("D", 0)};
    struct vote_unit_in u[] = {
        UNIT("U1", 100, VOTE_AREA_REGISTERED, a), UNIT("U2", 200, VOTE_AREA_SURVEYED, bc),
        UNIT("U3", 300, VOTE_AREA_REGISTERED, d), UNIT("U4", 400, VOTE_AREA_CONTRACT, a),
        UNIT("U5", 500, VOTE_AREA_REGISTERED, d),
    };
    struct vote_unit_in rev[GG_ARRAY_LEN(u)];
    for (size_t i = 0; i < GG_ARRAY_LEN(u); i++)
        rev[i] = u[GG_ARRAY_LEN(u) - 1 - i];
    vote_roll *r1 = build_ok(u, GG_ARRAY_LEN(u)), *r2 = build_ok(rev, GG_ARRAY_LEN(rev));
    assert_int_equal(vote_roll_voter_count(r1), 3);
    assert_int_equal(vote_roll_voter_count(r2), 3);
    for (size_t i = 0; i < 3; i++) {
        const struct vote_voter *x = vote_roll_voter(r1, i), *y = vote_roll_voter(r2, i);
        assert_string_equal(x->identity, y->identity);
        assert_int_equal(x->area_centi, y->area_centi);
        assert_int_equal(x->n_units, y->n_units);
        for (size_t j = 0; j < x->n_units; j++)
            assert_string_equal(x->units[j].unit_id, y->units[j].unit_id);
    }
    assert_int_equal(voter(r1, "A")->area_centi, 500);
    assert_int_equal(voter(r1, "B+C")->area_centi, 200);
    assert_int_equal(voter(r1, "D")->area_centi, 800);
    vote_roll_free(r1);
    vote_roll_free(r2);
    vote_roll_free(NULL);
}

/* ---- thresholds, pure ------------------------------------------------------- */

static void test_quorum_boundaries(void **state)
{
    (void)state;
    /* area 300000: 2/3 is 200000 exactly; heads 300: 200; heads 3: 2 */
    const int64_t areas[] = {199999, 200000, 200001};
    const int64_t heads300[] = {199, 200, 201}, heads3[] = {1, 2, 3};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int want = i >= 1 && j >= 1;
            assert_int_equal(vote_quorum_met(areas[i], 300000, heads300[j], 300), want);
            assert_int_equal(vote_quorum_met(areas[i], 300000, heads3[j], 3), want);
        }
    assert_int_equal(vote_quorum_met(0, 0, 0, 0), 0); /* an empty roll has no quorum */
    assert_int_equal(vote_quorum_met(300001, 300000, 3, 3), 0);
    assert_int_equal(vote_quorum_met(-1, 300000, 3, 3), 0);
    assert_int_equal(vote_quorum_met(300000, 300000, 4, 3), 0);
    /* at the cap the products do not overflow: 2/3 of 1e14 is 66666666666666.67 */
    assert_int_equal(vote_quorum_met(66666666666667, VOTE_MAX_TOTAL_AREA, 2, 3), 1);
    assert_int_equal(vote_quorum_met(66666666666666, VOTE_MAX_TOTAL_AREA, 2, 3), 0);
    assert_int_equal(vote_quorum_met(VOTE_MAX_TOTAL_AREA + 1, VOTE_MAX_TOTAL_AREA + 1, 3, 3), 0);
    assert_int_equal(vote_quorum_met(INT64_MAX, INT64_MAX, 3, 3), 0);

    assert_int_equal(vote_quorum_shortfall(0, 300), 200);
    assert_int_equal(vote_quorum_shortfall(199, 300), 1);
    assert_int_equal(vote_quorum_shortfall(200, 300), 0);
    assert_int_equal(vote_quorum_shortfall(300, 300), 0);
    assert_int_equal(vote_quorum_shortfall(0, 3), 2);
    assert_int_equal(vote_quorum_shortfall(1, 3), 1);
    assert_int_equal(vote_quorum_shortfall(199999, 300000), 1);
    assert_int_equal(vote_quorum_shortfall(0, 4), 3); /* 3·3 >= 8 but 3·2 < 8 */
    assert_int_equal(vote_quorum_shortfall(0, 1), 1);
}

static void test_simple_majority_boundaries(void **state)
{
    (void)state;
    /* more than half: 150000 of 300000 and 150 of 300 (or 2 of 4) are NOT enough */
    const int64_t areas[] = {149999, 150000, 150001};
    const int64_t heads300[] = {149, 150, 151}, heads4[] = {1, 2, 3};
    const int simple[] = {1, 2, 3, 4, 5, 9};
    for (size_t s = 0; s < GG_ARRAY_LEN(simple); s++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                int want = i == 2 && j == 2;
                assert_int_equal(vote_matter_passed(simple[s], areas[i], 300000, heads300[j], 300),
                                 want);
                assert_int_equal(vote_matter_passed(simple[s], areas[i], 300000, heads4[j], 4),
                                 want);
            }
    assert_int_equal(vote_matter_passed(1, 0, 0, 0, 0), 0); /* nobody took part */
    assert_int_equal(vote_matter_passed(1, 1, 1, 1, 1), 1);
}

static void test_supermajority_boundaries(void **state)
{
    (void)state;
    /* at least 3/4: 225000 of 300000 and 225 of 300 (or 3 of 4) are enough */
    const int64_t areas[] = {224999, 225000, 225001};
    const int64_t heads300[] = {224, 225, 226}, heads4[] = {2, 3, 4};
    for (int item = 6; item <= 8; item++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                int want = i >= 1 && j >= 1;
                assert_int_equal(vote_matter_passed(item, areas[i], 300000, heads300[j], 300),
                                 want);
                assert_int_equal(vote_matter_passed(item, areas[i], 300000, heads4[j], 4), want);
            }
    for (int item = 6; item <= 8; item++)
        assert_int_equal(vote_matter_passed(item, 0, 0, 0, 0), 0);
    /* 2/3 passes a simple matter and fails items 6-8 */
    for (int item = 1; item <= 9; item++) {
        int super = item >= 6 && item <= 8;
        assert_int_equal(vote_item_supermajority(item), super);
        assert_int_equal(vote_matter_passed(item, 200000, 300000, 200, 300), !super);
        assert_true(vote_item_name(item)[0] != '\0');
    }
    assert_int_equal(vote_item_supermajority(0), -1);
    assert_int_equal(vote_item_supermajority(10), -1);
    assert_string_equal(vote_item_name(0), "");
    assert_string_equal(vote_item_name(6), "raise_funds");
    assert_int_equal(vote_matter_passed(0, 300000, 300000, 300, 300), 0);
    assert_int_equal(vote_matter_passed(10, 300000, 300000, 300, 300), 0);
    assert_int_equal(vote_matter_passed(6, 300001, 300000, 300, 300), 0);
    assert_int_equal(vote_matter_passed(6, 300000, 300000, -1, 300), 0);
    /* at the cap */
    assert_int_equal(vote_matter_passed(6, 75000000000000, VOTE_MAX_TOTAL_AREA, 3, 4), 1);
    assert_int_equal(vote_matter_passed(6, 74999999999999, VOTE_MAX_TOTAL_AREA, 3, 4), 0);
    assert_int_equal(vote_matter_passed(1, 50000000000001, VOTE_MAX_TOTAL_AREA, 3, 4), 1);
    assert_int_equal(vote_matter_passed(1, 50000000000000, VOTE_MAX_TOTAL_AREA, 3, 4), 0);
}

/* ---- thresholds through the tally ----------------------------------------- */

static void test_tally_quorum_boundaries(void **state)
{
    (void)state;
    struct vote_tally t;
    /* heads exactly 200 of 300; area one below, at, one above 200000 */
    for (int d = -1; d <= 1; d++) {
        tally300(1, 200, 200000 + d, 200, &t);
        assert_int_equal(t.part.heads, 200);
        assert_int_equal(t.part.area_centi, 200000 + d);
        assert_int_equal(t.quorum_heads_ok, 1);
        assert_int_equal(t.quorum_area_ok, d >= 0);
        assert_int_equal(t.quorum_met, d >= 0);
        assert_int_equal(t.quorum_short.area_centi, d < 0 ? 1 : 0);
        assert_int_equal(t.passed, d >= 0); /* all participants agree */
    }
    /* area exactly 200000; heads one below, at, one above 200 */
    for (int d = -1; d <= 1; d++) {
        tally300(1, (size_t)(200 + d), 200000, (size_t)(200 + d), &t);
        assert_int_equal(t.part.heads, 200 + d);
        assert_int_equal(t.part.area_centi, 200000);
        assert_int_equal(t.quorum_area_ok, 1);
        assert_int_equal(t.quorum_heads_ok, d >= 0);
        assert_int_equal(t.quorum_met, d >= 0);
        assert_int_equal(t.quorum_short.heads, d < 0 ? 1 : 0);
        assert_int_equal(t.passed, d >= 0);
    }
}

static void test_tally_simple_boundaries(void **state)
{
    (void)state;
    struct vote_tally t;
    /* everyone takes part; heads 151 of 300 agree; area 149999, 150000, 150001 */
    for (int d = -1; d <= 1; d++) {
        tally300(4, 151, 150000 + d, 300, &t);
        assert_true(t.quorum_met);
        assert_int_equal(t.part.area_centi, 300000);
        assert_int_equal(t.heads_ok, 1);
        assert_int_equal(t.area_ok, d > 0);
        assert_int_equal(t.passed, d > 0);
        assert_int_equal(t.need_num, 1);
        assert_int_equal(t.need_den, 2);
        assert_int_equal(t.need_strict, 1);
    }
    /* area 150001 agrees; heads 149, 150, 151 */
    for (int d = -1; d <= 1; d++) {
        tally300(4, (size_t)(150 + d), 150001, 300, &t);
        assert_int_equal(t.area_ok, 1);
        assert_int_equal(t.heads_ok, d > 0);
        assert_int_equal(t.passed, d > 0);
        assert_int_equal(t.disagree.heads, 300 - (150 + d));
    }
}

static void test_tally_supermajority_boundaries(void **state)
{
    (void)state;
    struct vote_tally t;
    for (int item = 6; item <= 8; item++) {
        /* heads 225 of 300 agree; area 224999, 225000, 225001 */
        for (int d = -1; d <= 1; d++) {
            tally300(item, 225, 225000 + d, 300, &t);
            assert_int_equal(t.supermajority, 1);
            assert_int_equal(t.heads_ok, 1);
            assert_int_equal(t.area_ok, d >= 0);
            assert_int_equal(t.passed, d >= 0);
            assert_int_equal(t.need_num, 3);
            assert_int_equal(t.need_den, 4);
            assert_int_equal(t.need_strict, 0);
        }
        /* area 225000 agrees; heads 224, 225, 226 */
        for (int d = -1; d <= 1; d++) {
            tally300(item, (size_t)(225 + d), 225000, 300, &t);
            assert_int_equal(t.area_ok, 1);
            assert_int_equal(t.heads_ok, d >= 0);
            assert_int_equal(t.passed, d >= 0);
        }
    }
    /* the same 2/3 yes passes items 1-5 and 9, fails 6-8 */
    for (int item = 1; item <= 9; item++) {
        tally300(item, 200, 200000, 300, &t);
        assert_int_equal(t.passed, !(item >= 6 && item <= 8));
    }
}

/* Areas {200000, 50000, 50000}: the big owner alone has 2/3 of the area and 1/3 of the heads. */
static void test_area_versus_headcount(void **state)
{
    (void)state;
    const int64_t areas[] = {200000, 50000, 50000};
    vote_roll *r = persons(areas, 3);
    struct vote_tally t;
    struct vote_ballot big_yes[] = {
        {"P000", VOTE_AGREE}, {"P001", VOTE_DISAGREE}, {"P002", VOTE_DISAGREE}};
    assert_int_equal(vote_tally_matter(r, 1, big_yes, 3, &t, NULL), 0);
    assert_true(t.quorum_met);
    assert_int_equal(t.area_ok, 1);
    assert_int_equal(t.heads_ok, 0);
    assert_int_equal(t.passed, 0);
    struct vote_ballot small_yes[] = {
        {"P000", VOTE_DISAGREE}, {"P001", VOTE_AGREE}, {"P002", VOTE_AGREE}};
    assert_int_equal(vote_tally_matter(r, 1, small_yes, 3, &t, NULL), 0);
    assert_int_equal(t.area_ok, 0);
    assert_int_equal(t.heads_ok, 1);
    assert_int_equal(t.passed, 0);
    /* the big owner alone: 2/3 of the area but 1/3 of the heads takes part */
    struct vote_ballot alone[] = {{"P000", VOTE_AGREE}};
    assert_int_equal(vote_tally_matter(r, 1, alone, 1, &t, NULL), 0);
    assert_int_equal(t.quorum_area_ok, 1);
    assert_int_equal(t.quorum_heads_ok, 0);
    assert_int_equal(t.quorum_met, 0);
    assert_int_equal(t.area_ok, 1);
    assert_int_equal(t.heads_ok, 1);
    assert_int_equal(t.passed, 0); /* approved by those present, but no quorum */
    vote_roll_free(r);
}

static void test_abstentions_participate(void **state)
{
    (void)state;
    int64_t areas[MAXU];
    for (size_t i = 0; i < MAXU; i++)
        areas[i] = 1000;
    vote_roll *r = persons(areas, MAXU);
    struct vote_ballot b[MAXU];
    /* 200 take part: 101 agree, 99 abstain */
    for (size_t i = 0; i < 200; i++)
        b[i] = (struct vote_ballot){fx.keys[i], i < 101 ? VOTE_AGREE : VOTE_ABSTAIN};
    struct vote_tally t;
    assert_int_equal(vote_tally_matter(r, 2, b, 200, &t, NULL), 0);
    assert_true(t.quorum_met); /* abstentions count towards quorum */
    assert_int_equal(t.abstain.heads, 99);
    assert_int_equal(t.abstain.area_centi, 99000);
    assert_true(t.passed); /* 101 of 200 */
    /* 100 agree, 100 abstain: exactly half of those taking part is not more than half */
    b[100].choice = VOTE_ABSTAIN;
    assert_int_equal(vote_tally_matter(r, 2, b, 200, &t, NULL), 0);
    assert_true(t.quorum_met);
    assert_false(t.area_ok);
    assert_false(t.heads_ok);
    assert_false(t.passed);
    /* nobody votes */
    assert_int_equal(vote_tally_matter(r, 2, NULL, 0, &t, NULL), 0);
    assert_false(t.quorum_met);
    assert_false(t.passed);
    assert_int_equal(t.quorum_short.heads, 200);
    assert_int_equal(t.quorum_short.area_centi, 200000);
    vote_roll_free(r);
}

static void test_tally_refusals(void **state)
{
    (void)state;
    const int64_t areas[] = {100, 100, 100};
    vote_roll *r = persons(areas, 3);
    struct vote_tally t = {.item = 77};
    gg_err err;
    struct vote_ballot twice[] = {
        {"P000", VOTE_AGREE}, {"P001", VOTE_AGREE}, {"P000", VOTE_DISAGREE}};
    assert_int_equal(vote_tally_matter(r, 1, twice, 3, &t, &err), GG_ECONFLICT);
    assert_non_null(strstr(err.msg, "ballot 2"));
    struct vote_ballot stranger[] = {{"X999", VOTE_AGREE}};
    assert_int_equal(vote_tally_matter(r, 1, stranger, 1, &t, &err), GG_ERULE);
    assert_string_equal(err.field, "voter");
    struct vote_ballot badc[] = {{"P000", (enum vote_choice)0}};
    assert_int_equal(vote_tally_matter(r, 1, badc, 1, &t, &err), GG_EINVAL);
    assert_string_equal(err.field, "choice");
    struct vote_ballot ok[] = {{"P000", VOTE_AGREE}};
    assert_int_equal(vote_tally_matter(r, 0, ok, 1, &t, &err), GG_EINVAL);
    assert_int_equal(vote_tally_matter(r, 10, ok, 1, &t, &err), GG_EINVAL);
    assert_string_equal(err.field, "item");
    assert_int_equal(t.item, 77); /* untouched on failure */
    vote_roll_free(r);
}

/* ---- committee election ------------------------------------------------------ */

static void test_seats_valid(void **state)
{
    (void)state;
    for (int s = -3; s <= 15; s++)
        assert_int_equal(vote_seats_valid(s), s == 5 || s == 7 || s == 9 || s == 11);
    const int64_t areas[] = {100, 100, 100};
    vote_roll *r = persons(areas, 3);
    const int64_t cands[] = {1, 2, 3, 4, 5};
    struct vote_election e;
    const int bad[] = {4, 6, 12, 13, 3, 0};
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        gg_err err;
        assert_int_equal(vote_elect(r, bad[i], cands, 5, NULL, 0, &e, &err), GG_ERULE);
        assert_string_equal(err.field, "seats");
    }
    const int good[] = {5, 7, 9, 11};
    for (size_t i = 0; i < GG_ARRAY_LEN(good); i++) {
        assert_int_equal(vote_elect(r, good[i], cands, 5, NULL, 0, &e, NULL), 0);
        assert_int_equal(e.seats, good[i]);
        vote_election_clear(&e);
    }
    vote_election_clear(NULL);
    vote_roll_free(r);
}

/* Approver sets ('x' per voter index) turned into ballots; elect must accept them. */
#define NV 20
static int64_t ballot_ids[NV][VOTE_SEATS_MAX];
static struct vote_approval ballots[NV];

static void make_ballots(size_t nv, const int64_t *cands, const char *const *sets, size_t nc)
{
    for (size_t v = 0; v < nv; v++)
        ballots[v] = (struct vote_approval){fx.keys[v], ballot_ids[v], 0};
    for (size_t c = 0; c < nc; c++)
        for (size_t v = 0; v < nv; v++)
            if (sets[c][v] == 'x') {
                assert_true(ballots[v].n_candidates < VOTE_SEATS_MAX);
                ballot_ids[v][ballots[v].n_candidates++] = cands[c];
            }
}

static const struct vote_candidate_result *cand(const struct vote_election *e, int64_t id)
{
    for (size_t i = 0; i < e->n_candidates; i++)
        if (e->candidates[i].candidate_id == id)
            return &e->candidates[i];
    fail_msg("no candidate %lld", (long long)id);
    return NULL;
}

static void test_election_ranking(void **state)
{
    (void)state;
    int64_t areas[NV];
    for (size_t v = 0; v < NV; v++)
        areas[v] = 1000 + (int64_t)v; /* total 20190 */
    vote_roll *r = persons(areas, NV);
    const int64_t c[] = {107, 106, 105, 104, 103, 102, 101};
    /* voter:                 01234567890123456789 */
    const char *const sets[] = {
        "...xxxxxxxxxx.......", /* 107: 10 heads, exactly half: fails */
        "xxx.........xxxxxxxx", /* 106: 11 heads, area 11127: passes, 6th */
        "xxxxxxxxxxxx........", /* 105: 12 heads, area 12066 */
        "........xxxxxxxxxxxx", /* 104: 12 heads, area 12162: ahead of 105 */
        "xxxxxxxx......xxxxxx", /* 103: 14 */
        "xxxxxxxxxxxxxx....xx", /* 102: 16 */
        "xxxxxxxxxxxxxxxxxx..", /* 101: 18 */
    };
    make_ballots(NV, c, sets, 7);
    struct vote_election e;
    gg_err err;
    gg_err_clear(&err);
    if (vote_elect(r, 5, c, 7, ballots, NV, &e, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(e.quorum_met);
    assert_int_equal(e.part.heads, 20);
    assert_int_equal(e.part.area_centi, 20190);
    assert_int_equal(e.n_elected, 5);
    assert_false(e.tie);
    const int64_t order[] = {101, 102, 103, 104, 105, 106, 107};
    const enum vote_cand_status st[] = {VOTE_CAND_ELECTED,   VOTE_CAND_ELECTED, VOTE_CAND_ELECTED,
                                        VOTE_CAND_ELECTED,   VOTE_CAND_ELECTED, VOTE_CAND_RUNNER_UP,
                                        VOTE_CAND_NOT_PASSED};
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(e.candidates[i].candidate_id, order[i]);
        assert_int_equal(e.candidates[i].status, st[i]);
        assert_int_equal(e.candidates[i].rank, i < 6 ? i + 1 : 0);
    }
    assert_int_equal(cand(&e, 104)->approve.area_centi, 12162);
    assert_int_equal(cand(&e, 105)->approve.area_centi, 12066);
    assert_int_equal(cand(&e, 106)->approve.area_centi, 11127);
    assert_int_equal(cand(&e, 107)->approve.heads, 10);
    assert_false(cand(&e, 107)->heads_ok);
    vote_election_clear(&e);
    assert_null(e.candidates);

    /* only 13 of 20 take part: no quorum, nobody elected */
    assert_int_equal(vote_elect(r, 5, c, 7, ballots, 13, &e, NULL), 0);
    assert_false(e.quorum_met);
    assert_int_equal(e.n_elected, 0);
    for (size_t i = 0; i < e.n_candidates; i++)
        assert_int_equal(e.candidates[i].status, VOTE_CAND_NO_QUORUM);
    assert_int_equal(e.quorum_short.heads, 1);
    vote_election_clear(&e);
    vote_roll_free(r);
}

static void test_election_ties(void **state)
{
    (void)state;
    int64_t areas[10];
    for (size_t v = 0; v < 10; v++)
        areas[v] = 1000;
    vote_roll *r = persons(areas, 10);
    const int64_t c[] = {1, 2, 3, 4, 5, 6, 7};
    struct vote_election e;
    gg_err err;

    /* E (5) and F (6) tie at the cut-off of 5 seats */
    const char *const tie2[] = {
        "xxxxxxxxxx", /* 1: 10 */
        "xxxxxxxxx.", /* 2: 9 */
        "..xxxxxxxx", /* 3: 8 */
        "...xxxxxxx", /* 4: 7 */
        "xxxxxx....", /* 5: 6 */
        "xxx...xxx.", /* 6: 6 */
        "xx.......x", /* 7: 3, fails */
    };
    make_ballots(10, c, tie2, 7);
    gg_err_clear(&err);
    if (vote_elect(r, 5, c, 7, ballots, 10, &e, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(e.tie);
    assert_int_equal(e.n_tied, 2);
    assert_int_equal(e.tie_seats, 1);
    assert_int_equal(e.n_elected, 4);
    assert_int_equal(cand(&e, 4)->status, VOTE_CAND_ELECTED);
    assert_int_equal(cand(&e, 5)->status, VOTE_CAND_TIED);
    assert_int_equal(cand(&e, 6)->status, VOTE_CAND_TIED);
    assert_int_equal(cand(&e, 5)->rank, 5);
    assert_int_equal(cand(&e, 6)->rank, 5);
    assert_int_equal(cand(&e, 7)->status, VOTE_CAND_NOT_PASSED);
    vote_election_clear(&e);

    /* three-way tie for the last two seats */
    const char *const tie3[] = {
        "xxxxxxxxxx", /* 1: 10 */
        "xxxxxxxxx.", /* 2: 9 */
        "..xxxxxxxx", /* 3: 8 */
        "....xxxxxx", /* 4: 6 */
        "xxxxxx....", /* 5: 6 */
        "xxx...xxx.", /* 6: 6 */
        "..........", /* 7: 0 */
    };
    make_ballots(10, c, tie3, 7);
    assert_int_equal(vote_elect(r, 5, c, 7, ballots, 10, &e, NULL), 0);
    assert_true(e.tie);
    assert_int_equal(e.n_tied, 3);
    assert_int_equal(e.tie_seats, 2);
    assert_int_equal(e.n_elected, 3);
    for (int64_t id = 4; id <= 6; id++) {
        assert_int_equal(cand(&e, id)->status, VOTE_CAND_TIED);
        assert_int_equal(cand(&e, id)->rank, 4);
    }
    vote_election_clear(&e);

    /* a tie above the cut-off is harmless; fewer passers than seats elect them all */
    const char *const above[] = {
        "xxxxxxxxxx", /* 1: 10 */
        "xxxxxxxxxx", /* 2: 10, tied with 1 for first */
        "..xxxxxxxx", /* 3: 8 */
        "xxxxx.....", /* 4: 5, fails */
        "..........", "..........", "..........",
    };
    make_ballots(10, c, above, 7);
    assert_int_equal(vote_elect(r, 5, c, 7, ballots, 10, &e, NULL), 0);
    assert_false(e.tie);
    assert_int_equal(e.n_elected, 3);
    assert_int_equal(cand(&e, 1)->rank, 1);
    assert_int_equal(cand(&e, 2)->rank, 1);
    assert_int_equal(cand(&e, 3)->rank, 3);
    assert_int_equal(cand(&e, 1)->status, VOTE_CAND_ELECTED);
    assert_int_equal(cand(&e, 2)->status, VOTE_CAND_ELECTED);
    assert_int_equal(cand(&e, 4)->status, VOTE_CAND_NOT_PASSED);
    assert_int_equal(e.candidates[0].candidate_id, 1); /* same rank: by id */
    vote_election_clear(&e);
    vote_roll_free(r);
}

static void test_election_area_and_heads(void **state)
{
    (void)state;
    const int64_t areas[] = {200000, 50000, 50000};
    vote_roll *r = persons(areas, 3);
    const int64_t c[] = {1, 2};
    const char *const sets[] = {"x..", ".xx"};
    make_ballots(3, c, sets, 2);
    struct vote_election e;
    assert_int_equal(vote_elect(r, 5, c, 2, ballots, 3, &e, NULL), 0);
    assert_true(e.quorum_met);
    assert_int_equal(e.n_elected, 0);
    assert_true(cand(&e, 1)->area_ok); /* 2/3 of the area, 1/3 of the owners */
    assert_false(cand(&e, 1)->heads_ok);
    assert_false(cand(&e, 2)->area_ok); /* 1/3 of the area, 2/3 of the owners */
    assert_true(cand(&e, 2)->heads_ok);
    assert_int_equal(cand(&e, 1)->status, VOTE_CAND_NOT_PASSED);
    assert_int_equal(cand(&e, 2)->status, VOTE_CAND_NOT_PASSED);
    vote_election_clear(&e);
    vote_roll_free(r);
}

static void test_election_refusals(void **state)
{
    (void)state;
    const int64_t areas[] = {100, 100, 100};
    vote_roll *r = persons(areas, 3);
    const int64_t c[] = {1, 2, 3, 4, 5, 6, 7};
    const int64_t six[] = {1, 2, 3, 4, 5, 6}, five[] = {1, 2, 3, 4, 5};
    struct vote_approval over = {"P000", six, 6}, full = {"P000", five, 5};
    gg_err err;
    gg_err_clear(&err);
    assert_int_equal(vote_approval_check(5, c, 7, &over, &err), GG_ERULE);
    assert_string_equal(err.field, "candidates");
    assert_non_null(strstr(err.msg, "approves 6 candidates but a ballot may approve at most 5"));
    assert_int_equal(vote_approval_check(5, c, 7, &full, &err), 0);
    assert_int_equal(vote_approval_check(7, c, 7, &over, &err), 0);

    struct vote_election e = {.seats = 99};
    struct vote_approval b[] = {{"P000", five, 5}, {"P001", six, 6}};
    assert_int_equal(vote_elect(r, 5, c, 7, b, 2, &e, &err), GG_ERULE);
    assert_non_null(strstr(err.msg, "ballot 1"));
    assert_non_null(strstr(err.msg, "at most 5"));
    assert_int_equal(e.seats, 99); /* untouched */

    const int64_t stranger_c[] = {8}, twice_c[] = {2, 2};
    struct vote_approval unknown = {"P000", stranger_c, 1}, twice = {"P000", twice_c, 2};
    assert_int_equal(vote_approval_check(5, c, 7, &unknown, &err), GG_EINVAL);
    assert_non_null(strstr(err.msg, "not a candidate"));
    assert_int_equal(vote_approval_check(5, c, 7, &twice, &err), GG_EINVAL);
    assert_non_null(strstr(err.msg, "twice"));
    assert_int_equal(vote_approval_check(4, c, 7, &full, &err), GG_ERULE);

    struct vote_approval dupv[] = {{"P000", five, 1}, {"P000", five + 1, 1}};
    assert_int_equal(vote_elect(r, 5, c, 7, dupv, 2, &e, &err), GG_ECONFLICT);
    struct vote_approval nobody[] = {{"X", five, 1}};
    assert_int_equal(vote_elect(r, 5, c, 7, nobody, 1, &e, &err), GG_ERULE);
    const int64_t dupc[] = {1, 2, 1};
    assert_int_equal(vote_elect(r, 5, dupc, 3, NULL, 0, &e, &err), GG_EINVAL);
    assert_int_equal(vote_elect(r, 5, c, 0, NULL, 0, &e, &err), GG_ERULE);
    assert_int_equal(e.seats, 99);
    vote_roll_free(r);
}

/* ---- filing deadline ----------------------------------------------------------- */

static void expect_due(int32_t closed, int32_t want)
{
    int32_t due = -1;
    gg_err err;
    gg_err_clear(&err);
    if (vote_filing_deadline(closed, &due, &err) != 0)
        fail_msg("%d refused: %s", (int)closed, err.msg);
    assert_int_equal(due, want);
}

static void test_filing_deadline(void **state)
{
    (void)state;
    expect_due(20240115, 20240214);
    expect_due(20240101, 20240131);
    expect_due(20240102, 20240201); /* across a month */
    expect_due(20240131, 20240301); /* leap year: Feb has 29 days */
    expect_due(20240130, 20240229);
    expect_due(20230131, 20230302); /* common year */
    expect_due(20230130, 20230301);
    expect_due(20230129, 20230228);
    expect_due(20000131, 20000301); /* 2000 is a leap year */
    expect_due(21000131, 21000302); /* 2100 is not */
    expect_due(19000131, 19000302); /* nor 1900 */
    expect_due(20241202, 20250101); /* across a year */
    expect_due(20241201, 20241231);
    expect_due(20231231, 20240130);
    expect_due(20240229, 20240330);
    expect_due(20000229, 20000330); /* 29 February exists in 2000, not in 1900 or 2100 */
    expect_due(99991201, 99991231);

    const int32_t bad[] = {20230229, 21000229,  19000229, 20241301, 20240100,  20240431, 20240000,
                           0,        -20240101, 18991231, 99991202, 100000101, 2024011};
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        int32_t due = -1;
        gg_err err;
        assert_int_equal(vote_filing_deadline(bad[i], &due, &err), GG_EINVAL);
        assert_int_equal(due, -1);
        assert_string_equal(err.field, "closed");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_developer_unsold_count_as_one),
        cmocka_unit_test(test_developer_handed_over_counts_with_buyer),
        cmocka_unit_test(test_multi_unit_buyer_counts_once),
        cmocka_unit_test(test_co_owners_count_once),
        cmocka_unit_test(test_area_sources_and_units_without_area),
        cmocka_unit_test(test_roll_refusals),
        cmocka_unit_test(test_roll_order_independent),
        cmocka_unit_test(test_quorum_boundaries),
        cmocka_unit_test(test_simple_majority_boundaries),
        cmocka_unit_test(test_supermajority_boundaries),
        cmocka_unit_test(test_tally_quorum_boundaries),
        cmocka_unit_test(test_tally_simple_boundaries),
        cmocka_unit_test(test_tally_supermajority_boundaries),
        cmocka_unit_test(test_area_versus_headcount),
        cmocka_unit_test(test_abstentions_participate),
        cmocka_unit_test(test_tally_refusals),
        cmocka_unit_test(test_seats_valid),
        cmocka_unit_test(test_election_ranking),
        cmocka_unit_test(test_election_ties),
        cmocka_unit_test(test_election_area_and_heads),
        cmocka_unit_test(test_election_refusals),
        cmocka_unit_test(test_filing_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
