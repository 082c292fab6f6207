/*
 * vote.h — the count of an owners' assembly (业主大会) as the law sets it:
 * Civil Code art. 278 and the 2009 Supreme People's Court interpretation on
 * building ownership, arts. 8–9.
 *
 * Pure: no I/O, no SQL. All arithmetic is exact: areas are int64 hundredths
 * of m², thresholds are compared by cross-multiplication, never floating
 * point. Caps keep every product in range: total area is at most
 * VOTE_MAX_UNITS × AREA_MAX_CENTI = 1e6 × 1e8 = 1e14 hundredths, and the
 * largest product taken is 4 × 1e14 = 4e14, far below INT64_MAX (9.2e18).
 *
 * Who counts (the roll):
 *   - Area: the registered area of a unit, else surveyed, else contract
 *     (the caller picks and says which); a unit with none is refused.
 *   - A unit whose developer entry is not handed over (handed_over == 0:
 *     unsold, or sold but not delivered) counts for the developer, whatever
 *     buyers are listed; all such units of one developer are ONE voter.
 *   - A developer entry with handed_over != 0 is ignored; the unit counts
 *     for its other owners (the buyer).
 *   - A unit's voter identity is the sorted set of its (remaining) owner
 *     keys joined by '+': "A" for a sole owner, "A+B" for co-owners A and B.
 *     Units with the same identity are one voter with summed area: a buyer
 *     of several units counts once, and so do co-owners who hold several
 *     units together.
 *   - A person who owns one unit alone and co-owns another is in two
 *     identities ("A" and "A+B"): two voters, because the co-owned unit's
 *     vote belongs to all its co-owners together, not to A. The roll flags
 *     both voters as `overlap` so the preparatory group can review them; no
 *     voter is merged or dropped silently.
 * Owner keys are compared byte for byte: normalise them before (for an ID
 * number, idnum_normalize). Prefer a store row key ("P:123") or a keyed hash
 * to a raw ID number: identities end up in ballots and in the ballot chain.
 */
#ifndef GG_VOTE_H
#define GG_VOTE_H

#include <stddef.h>
#include <stdint.h>

#include "area.h"
#include "gg.h"

#define VOTE_MAX_UNITS 1000000      /* units in one roll */
#define VOTE_MAX_OWNERS_PER_UNIT 32 /* owner entries of one unit */
#define VOTE_MAX_KEY 64             /* bytes of one owner key */
#define VOTE_MAX_UNIT_ID 128        /* bytes of one unit id */
#define VOTE_MAX_IDENTITY (VOTE_MAX_OWNERS_PER_UNIT * (VOTE_MAX_KEY + 1)) /* bytes, with NUL */
#define VOTE_MAX_TOTAL_AREA ((int64_t)VOTE_MAX_UNITS * AREA_MAX_CENTI)    /* 1e14 */
#define VOTE_MAX_CANDIDATES 200 /* candidates in one committee election */
#define VOTE_SEATS_MIN 5
#define VOTE_SEATS_MAX 11

enum vote_area_source {
    VOTE_AREA_NONE = 0, /* no area known: such a unit is refused */
    VOTE_AREA_REGISTERED = 1,
    VOTE_AREA_SURVEYED = 2,
    VOTE_AREA_CONTRACT = 3,
};

enum vote_owner_kind {
    VOTE_OWNER_PERSON = 1,
    VOTE_OWNER_ORG = 2,
    VOTE_OWNER_DEVELOPER = 3,
};

enum vote_choice {
    VOTE_AGREE = 1,
    VOTE_DISAGREE = 2,
    VOTE_ABSTAIN = 3, /* counts as participation */
};

/* One owner entry of a unit (input; borrowed). */
struct vote_owner_in {
    const char *owner_key;     /* 1..VOTE_MAX_KEY bytes of printable ASCII, no '+' */
    enum vote_owner_kind kind; /* the same key must have the same kind on every unit */
    int handed_over;           /* developer entries only: 0 = unsold or not handed over */
};

/* One exclusive unit (input; borrowed). */
struct vote_unit_in {
    const char *unit_id; /* unique, 1..VOTE_MAX_UNIT_ID bytes of UTF-8 */
    int64_t area_centi;  /* 1..AREA_MAX_CENTI, the area chosen by the law's order */
    enum vote_area_source area_source;
    const struct vote_owner_in *owners; /* 1..VOTE_MAX_OWNERS_PER_UNIT, at most one developer */
    size_t n_owners;
};

/* The roll: opaque; read through the functions below. */
typedef struct vote_roll vote_roll;

/* A unit as the roll counts it (owned by the roll). */
struct vote_roll_unit {
    const char *unit_id;
    int64_t area_centi;
    enum vote_area_source area_source;
    size_t voter; /* index of the voter it counts for */
};

/* A voter: one head (owned by the roll; valid until vote_roll_free). */
struct vote_voter {
    const char *identity;       /* canonical: sorted owner keys joined by '+' */
    const char *const *members; /* the owner keys, sorted */
    size_t n_members;
    int developer_pool;                 /* the developer's unsold / not handed over units */
    int overlap;                        /* a member is also in another voter's identity */
    int64_t area_centi;                 /* sum over its units */
    const struct vote_roll_unit *units; /* its units, sorted by unit_id */
    size_t n_units;
};

struct vote_roll_totals {
    int64_t area_centi; /* total exclusive area */
    int64_t heads;      /* total headcount = number of voters */
    size_t n_units;
    size_t n_overlap;    /* voters flagged overlap */
    size_t by_source[4]; /* units counted by each enum vote_area_source */
};

/*
 * Build the roll from units (borrowed; nothing is kept). Voters are sorted by
 * identity (strcmp), so the same units in any order give the same roll.
 * Returns 0 and *out (free with vote_roll_free), or GG_EINVAL (malformed
 * input: field and unit named in err), GG_ETOOBIG (over a cap) or GG_ERULE
 * (duplicate unit, a unit handed over with no buyer, no area, a key with
 * two kinds). Owner keys in messages are masked.
 */
int vote_roll_build(const struct vote_unit_in *units, size_t n_units, vote_roll **out, gg_err *err);

/* Free a roll and everything it owns. NULL is a no-op. */
void vote_roll_free(vote_roll *roll);

/* Totals of roll into *out. */
void vote_roll_get_totals(const vote_roll *roll, struct vote_roll_totals *out);

/* Number of voters; voter i (0-based, NULL if out of range), owned by the roll. */
size_t vote_roll_voter_count(const vote_roll *roll);
const struct vote_voter *vote_roll_voter(const vote_roll *roll, size_t i);

/* Index of the voter with this identity: 0 and *index, or GG_ENOTFOUND. */
int vote_roll_find(const vote_roll *roll, const char *identity, size_t *index);

/* Unit by id: 0 and *unit (owned by the roll), or GG_ENOTFOUND. */
int vote_roll_find_unit(const vote_roll *roll, const char *unit_id,
                        const struct vote_roll_unit **unit);

/*
 * The voters whose identity includes owner_key (a co-owner may act for a
 * co-owned unit's voter): writes up to max indices, ascending, into out and
 * returns how many there are in all (which may exceed max).
 */
size_t vote_roll_owner_voters(const vote_roll *roll, const char *owner_key, size_t *out,
                              size_t max);

/* 1 for art. 278 items 6–8 (3/4 majorities), 0 for items 1–5 and 9, -1 if not 1..9. */
int vote_item_supermajority(int item);

/* Short English name of an art. 278 item ("rules", ..., "raise_funds"); "" if not 1..9. */
const char *vote_item_name(int item);

/*
 * Quorum: 3·part ≥ 2·total for area AND for headcount. Returns 1 or 0; 0 also
 * when total is 0 or a value is out of 0 ≤ part ≤ total ≤ the caps.
 */
int vote_quorum_met(int64_t part_area, int64_t total_area, int64_t part_heads, int64_t total_heads);

/*
 * Approval of a matter of art. 278 item 1..9: items 6–8 need 4·agree ≥ 3·part
 * for area AND headcount; others 2·agree > part for both. Returns 1 or 0; 0
 * also when part is 0, the item is not 1..9 or a value is out of
 * 0 ≤ agree ≤ part ≤ the caps. Quorum is checked separately.
 */
int vote_matter_passed(int item, int64_t agree_area, int64_t part_area, int64_t agree_heads,
                       int64_t part_heads);

/*
 * Smallest extra participation x with 3·(part + x) ≥ 2·total (0 if met); the
 * door-to-door target. Values out of range give 0.
 */
int64_t vote_quorum_shortfall(int64_t part, int64_t total);

/* A ballot on one matter (borrowed). */
struct vote_ballot {
    const char *voter; /* a roll identity */
    enum vote_choice choice;
};

struct vote_count {
    int64_t area_centi;
    int64_t heads;
};

/* The count of one matter. Fractions are kept as their integer parts. */
struct vote_tally {
    int item;               /* art. 278 item 1..9 */
    int supermajority;      /* 1 for items 6–8 */
    int need_num, need_den; /* approval share: 3/4 or 1/2 */
    int need_strict;        /* 1: more than need_num/need_den; 0: at least */
    struct vote_count total, part, agree, disagree, abstain;
    struct vote_count quorum_short; /* still needed for quorum (0 when met) */
    int quorum_area_ok, quorum_heads_ok, quorum_met;
    int area_ok, heads_ok; /* approval by area, by headcount */
    int passed;            /* quorum_met && area_ok && heads_ok */
};

/*
 * Count ballots (borrowed) for one matter of art. 278 item `item` against
 * roll. Each voter may appear once. Returns 0 and *out, or GG_EINVAL (item
 * not 1..9, bad choice), GG_ERULE (voter not on the roll) or GG_ECONFLICT (a
 * voter twice), naming the ballot index in err.
 */
int vote_tally_matter(const vote_roll *roll, int item, const struct vote_ballot *ballots,
                      size_t n_ballots, struct vote_tally *out, gg_err *err);

/* 1 if seats is a valid committee size: odd, 5..11. */
int vote_seats_valid(int seats);

/* An election ballot: the candidates a voter approves (borrowed). */
struct vote_approval {
    const char *voter;         /* a roll identity */
    const int64_t *candidates; /* candidate ids, distinct, at most `seats` of them */
    size_t n_candidates;       /* 0 is valid: the voter takes part and approves nobody */
};

/*
 * Check one election ballot against the candidate ids (borrowed) and seats:
 * at most `seats` approvals, each a known candidate, none twice. For entry
 * time (online or paper). Returns 0, GG_ERULE (over-voted) or GG_EINVAL.
 */
int vote_approval_check(int seats, const int64_t *candidate_ids, size_t n_candidates,
                        const struct vote_approval *ballot, gg_err *err);

enum vote_cand_status {
    VOTE_CAND_ELECTED = 1,
    VOTE_CAND_TIED,       /* passed, tied at the cut-off: seats left for the tie group */
    VOTE_CAND_RUNNER_UP,  /* passed, ranked below the seats */
    VOTE_CAND_NOT_PASSED, /* not more than half of participating area and owners */
    VOTE_CAND_NO_QUORUM,  /* the election as a whole lacks quorum: nobody is elected */
};

struct vote_candidate_result {
    int64_t candidate_id;
    struct vote_count approve;
    int area_ok, heads_ok; /* 2·approve > part, by area and by headcount */
    size_t rank;           /* 1-based among candidates passing both (ties share); 0 if not */
    enum vote_cand_status status;
};

/* Election result. candidates is owned by the result: vote_election_clear. */
struct vote_election {
    int seats;
    struct vote_count total, part;
    struct vote_count quorum_short;
    int quorum_met;
    size_t n_candidates;
    struct vote_candidate_result *candidates; /* passers by rank, then the rest */
    size_t n_elected; /* ELECTED; fewer than seats if too few passed or a tie */
    int tie;          /* 1 if candidates tie at the cut-off */
    size_t tie_seats; /* seats left for the TIED group */
    size_t n_tied;
};

/*
 * Elect a committee of `seats` from candidate_ids (borrowed, distinct,
 * 1..VOTE_MAX_CANDIDATES) by approval ballots (borrowed, one per voter).
 * A candidate passes with 2·approve > part for area AND headcount, where part
 * is every voter who cast a ballot; passers are ranked by headcount, then
 * area; ties at the cut-off are reported (tie, TIED), never broken; ties
 * above it are harmless. Nobody is elected without quorum. Output order:
 * passers by rank (ties by candidate id), then the rest by approvals.
 * Returns 0 and *out (vote_election_clear), or GG_EINVAL, GG_ERULE (invalid
 * seats, over-voted ballot, voter not on the roll) or GG_ECONFLICT (a voter
 * twice), with err naming the ballot.
 */
int vote_elect(const vote_roll *roll, int seats, const int64_t *candidate_ids, size_t n_candidates,
               const struct vote_approval *ballots, size_t n_ballots, struct vote_election *out,
               gg_err *err);

/* Free what *e owns and zero it. NULL is a no-op. */
void vote_election_clear(struct vote_election *e);

/*
 * Filing (备案) deadline: the result is filed within 30 days of the election
 * (Property Management Regulations art. 16). The closing day is not counted
 * (Civil Code art. 201), so the last day is closed + 30 calendar days.
 * Holidays are not moved (the Code extends a period ending on a holiday;
 * the caller may). closed and *due are YYYYMMDD, years 1900..9999.
 * Returns 0 and *due, or GG_EINVAL for a date that does not exist.
 */
int vote_filing_deadline(int32_t closed, int32_t *due, gg_err *err);

#endif
