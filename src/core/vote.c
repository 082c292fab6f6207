/*
 * vote.c — the owner roll, the art. 278 count of a matter, the committee
 * election and the filing deadline.
 *
 * The roll is built by sorting, not hashing: every unit gets a canonical
 * identity string, units are sorted by (identity, unit id) and each run of
 * equal identities is one voter. Sorting makes the roll independent of the
 * order the store hands units over, which matters because the frozen roll's
 * totals are published and must be reproducible by `gridgov verify`.
 */
#include "vote.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------- */

/*
 * Owner keys are usually ID numbers (STYLE 13: never show one whole), so
 * messages carry "150***********1234". Each '+'-separated part of an
 * identity is masked on its own; the output is truncated to fit n.
 */
static void mask_key(const char *s, size_t len, gg_buf *b)
{
    size_t head = len >= 8 ? 3 : 0, tail = len >= 8 ? 4 : len >= 4 ? 2 : 0;
    for (size_t i = 0; i < len; i++) {
        char c = (i < head || i >= len - tail) ? s[i] : '*';
        gg_buf_append(b, &c, 1);
    }
}

static void mask_identity(const char *id, char *out, size_t n)
{
    gg_buf b;
    gg_buf_init(&b, n - 1);
    while (id && *id) {
        const char *plus = strchr(id, '+');
        size_t len = plus ? (size_t)(plus - id) : strlen(id);
        mask_key(id, len, &b);
        if (!plus)
            break;
        gg_buf_append(&b, "+", 1);
        id = plus + 1;
    }
    gg_strlcpy(out, b.data ? b.data : "", n);
    gg_buf_free(&b);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int key_valid(const char *k)
{
    size_t len = 0;
    for (; k[len]; len++)
        if ((unsigned char)k[len] <= ' ' || (unsigned char)k[len] >= 0x7f || k[len] == '+')
            return 0;
    return len >= 1 && len <= VOTE_MAX_KEY;
}

static int unit_id_valid(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > VOTE_MAX_UNIT_ID || !gg_utf8_valid(s, len))
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return 0;
    return 1;
}

static const char *kind_name(enum vote_owner_kind k)
{
    return k == VOTE_OWNER_PERSON ? "person" : k == VOTE_OWNER_ORG ? "organisation" : "developer";
}

/* ---- the roll --------------------------------------------------------- */

struct key_ref {
    const char *key;
    size_t voter;
};

struct vote_roll {
    struct vote_voter *voters;
    size_t n_voters;
    struct vote_roll_unit *units; /* grouped by voter, each group sorted by unit_id */
    size_t *by_id;                /* indices into units, sorted by unit_id */
    struct key_ref *keys;         /* every (member key, voter), sorted */
    size_t n_keys;
    struct vote_roll_totals totals;
};

/* Per input unit while building: its identity and where it came from. */
struct work {
    char *identity;
    const char *unit_id;
    size_t in;
    int pool;
};

/* Every owner entry, to check that a key has one kind everywhere. */
struct kind_ref {
    const char *key;
    size_t unit;
    enum vote_owner_kind kind;
};

static int cmp_work(const void *a, const void *b)
{
    const struct work *x = a, *y = b;
    int c = strcmp(x->identity, y->identity);
    return c ? c : strcmp(x->unit_id, y->unit_id);
}

static int cmp_work_id(const void *a, const void *b)
{
    return strcmp(((const struct work *)a)->unit_id, ((const struct work *)b)->unit_id);
}

static int cmp_kind_ref(const void *a, const void *b)
{
    const struct kind_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->unit > y->unit) - (x->unit < y->unit);
}

static int cmp_key_ref(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->voter > y->voter) - (x->voter < y->voter);
}

/*
 * Validate unit u and compute its identity (malloc'd into w). The developer
 * rule comes first: a unit not handed over is the developer's whatever
 * buyers are listed, because SPC interpretation art. 9 counts "sold but not
 * delivered" units with the developer.
 */
static int unit_identity(const struct vote_unit_in *u, size_t ui, struct work *w, gg_err *err)
{
    char mk[96];
    if (!u->unit_id || !unit_id_valid(u->unit_id))
        return gg_fail(err, GG_EINVAL, "unit_id", "unit %zu: unit_id must be 1 to %d bytes of text",
                       ui, VOTE_MAX_UNIT_ID);
    const char *id = u->unit_id;
    if (u->area_source == VOTE_AREA_NONE)
        return gg_fail(err, GG_ERULE, "area_source",
                       "unit %s: has no registered, surveyed or contract area", id);
    if (u->area_source < VOTE_AREA_REGISTERED || u->area_source > VOTE_AREA_CONTRACT)
        return gg_fail(err, GG_EINVAL, "area_source", "unit %s: unknown area source", id);
    if (u->area_centi < 1 || u->area_centi > AREA_MAX_CENTI)
        return gg_fail(err, GG_EINVAL, "area_centi", "unit %s: area must be 0.01 to 1000000 m²",
                       id);
    if (u->n_owners == 0)
        return gg_fail(err, GG_ERULE, "owners", "unit %s: no owner is recorded", id);
    if (u->n_owners > VOTE_MAX_OWNERS_PER_UNIT)
        return gg_fail(err, GG_ETOOBIG, "owners", "unit %s: more than %d owners", id,
                       VOTE_MAX_OWNERS_PER_UNIT);
    if (!u->owners)
        return gg_fail(err, GG_EINVAL, "owners", "unit %s: owners missing", id);

    const char *all[VOTE_MAX_OWNERS_PER_UNIT], *members[VOTE_MAX_OWNERS_PER_UNIT];
    size_t n_members = 0;
    const struct vote_owner_in *dev = NULL;
    for (size_t i = 0; i < u->n_owners; i++) {
        const struct vote_owner_in *o = &u->owners[i];
        if (!o->owner_key || !key_valid(o->owner_key))
            return gg_fail(err, GG_EINVAL, "owner_key",
                           "unit %s: owner %zu: key must be 1 to %d printable ASCII "
                           "characters without '+'",
                           id, i, VOTE_MAX_KEY);
        if (o->kind < VOTE_OWNER_PERSON || o->kind > VOTE_OWNER_DEVELOPER)
            return gg_fail(err, GG_EINVAL, "kind", "unit %s: owner %zu: unknown kind", id, i);
        all[i] = o->owner_key;
        if (o->kind == VOTE_OWNER_DEVELOPER) {
            if (dev)
                return gg_fail(err, GG_ERULE, "owners",
                               "unit %s: more than one developer is listed", id);
            dev = o;
        } else {
            members[n_members++] = o->owner_key;
        }
    }
    qsort(all, u->n_owners, sizeof(all[0]), cmp_str_ptr);
    for (size_t i = 1; i < u->n_owners; i++)
        if (strcmp(all[i - 1], all[i]) == 0) {
            mask_identity(all[i], mk, sizeof(mk));
            return gg_fail(err, GG_EINVAL, "owners", "unit %s: owner %s is listed twice", id, mk);
        }
    w->pool = dev && !dev->handed_over;
    if (w->pool) {
        members[0] = dev->owner_key;
        n_members = 1;
    } else if (n_members == 0) {
        return gg_fail(err, GG_ERULE, "owners",
                       "unit %s: handed over by the developer but no buyer is recorded", id);
    }
    qsort(members, n_members, sizeof(members[0]), cmp_str_ptr);

    size_t len = 0;
    for (size_t i = 0; i < n_members; i++)
        len += strlen(members[i]) + 1; /* each key is <= VOTE_MAX_KEY: no overflow */
    char *s = xmalloc(len);
    char *p = s;
    for (size_t i = 0; i < n_members; i++) {
        size_t k = strlen(members[i]);
        memcpy(p, members[i], k);
        p += k;
        *p++ = i + 1 < n_members ? '+' : '\0';
    }
    w->identity = s;
    w->unit_id = id;
    w->in = ui;
    return 0;
}

/* One key, one kind on every unit: an entity cannot be a developer here and a person there. */
static int check_kinds(const struct vote_unit_in *units, size_t n_units, gg_err *err)
{
    size_t n = 0;
    for (size_t i = 0; i < n_units; i++)
        n += units[i].n_owners; /* each <= VOTE_MAX_OWNERS_PER_UNIT, checked */
    struct kind_ref *r = xcalloc(n, sizeof(*r));
    size_t k = 0;
    for (size_t i = 0; i < n_units; i++)
        for (size_t j = 0; j < units[i].n_owners; j++)
            r[k++] = (struct kind_ref){units[i].owners[j].owner_key, i, units[i].owners[j].kind};
    qsort(r, n, sizeof(*r), cmp_kind_ref);
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++)
        if (strcmp(r[i - 1].key, r[i].key) == 0 && r[i - 1].kind != r[i].kind) {
            char mk[96];
            mask_identity(r[i].key, mk, sizeof(mk));
            rc = gg_fail(err, GG_ERULE, "kind", "owner %s is a %s on unit %s but a %s on unit %s",
                         mk, kind_name(r[i - 1].kind), units[r[i - 1].unit].unit_id,
                         kind_name(r[i].kind), units[r[i].unit].unit_id);
        }
    free(r);
    return rc;
}

/* Split each voter's identity into members and index (key, voter) for lookups and overlaps. */
static void index_members(vote_roll *r)
{
    size_t n = 0;
    for (size_t v = 0; v < r->n_voters; v++) {
        struct vote_voter *vv = &r->voters[v];
        size_t m = 1;
        for (const char *p = vv->identity; *p; p++)
            m += *p == '+';
        char *buf = xstrdup(vv->identity);
        const char **mem = xcalloc(m, sizeof(*mem));
        mem[0] = buf;
        for (size_t i = 1, j = 0; buf[j]; j++)
            if (buf[j] == '+') {
                buf[j] = '\0';
                mem[i++] = &buf[j + 1];
            }
        vv->members = mem;
        vv->n_members = m;
        n += m;
    }
    r->keys = xcalloc(n, sizeof(*r->keys));
    r->n_keys = n;
    size_t k = 0;
    for (size_t v = 0; v < r->n_voters; v++)
        for (size_t i = 0; i < r->voters[v].n_members; i++)
            r->keys[k++] = (struct key_ref){r->voters[v].members[i], v};
    qsort(r->keys, n, sizeof(*r->keys), cmp_key_ref);
    for (size_t i = 1; i < n; i++)
        if (strcmp(r->keys[i - 1].key, r->keys[i].key) == 0) {
            r->voters[r->keys[i - 1].voter].overlap = 1;
            r->voters[r->keys[i].voter].overlap = 1;
        }
    for (size_t v = 0; v < r->n_voters; v++)
        r->totals.n_overlap += (size_t)r->voters[v].overlap;
}

int vote_roll_build(const struct vote_unit_in *units, size_t n_units, vote_roll **out, gg_err *err)
{
    if (n_units == 0)
        return gg_fail(err, GG_ERULE, "units", "the roll has no units");
    if (n_units > VOTE_MAX_UNITS)
        return gg_fail(err, GG_ETOOBIG, "units", "a roll holds at most %d units", VOTE_MAX_UNITS);
    if (!units || !out)
        return gg_fail(err, GG_EINVAL, "units", "units missing");

    struct work *w = xcalloc(n_units, sizeof(*w));
    int rc = 0;
    for (size_t i = 0; i < n_units && rc == 0; i++)
        rc = unit_identity(&units[i], i, &w[i], err);
    if (rc == 0)
        rc = check_kinds(units, n_units, err);
    if (rc == 0) {
        qsort(w, n_units, sizeof(*w), cmp_work_id);
        for (size_t i = 1; i < n_units && rc == 0; i++)
            if (strcmp(w[i - 1].unit_id, w[i].unit_id) == 0)
                rc = gg_fail(err, GG_ERULE, "unit_id", "unit %s is listed twice", w[i].unit_id);
    }
    if (rc != 0) {
        for (size_t i = 0; i < n_units; i++)
            free(w[i].identity);
        free(w);
        return rc;
    }
    qsort(w, n_units, sizeof(*w), cmp_work);

    vote_roll *r = xcalloc(1, sizeof(*r));
    r->units = xcalloc(n_units, sizeof(*r->units));
    r->voters = xcalloc(n_units, sizeof(*r->voters)); /* at most one voter per unit */
    for (size_t i = 0; i < n_units; i++) {
        const struct vote_unit_in *u = &units[w[i].in];
        struct vote_voter *v;
        if (r->n_voters == 0 || strcmp(r->voters[r->n_voters - 1].identity, w[i].identity) != 0) {
            v = &r->voters[r->n_voters++];
            v->identity = w[i].identity; /* the roll takes this copy */
            v->units = &r->units[i];
            v->developer_pool = w[i].pool;
        } else {
            v = &r->voters[r->n_voters - 1];
            free(w[i].identity);
        }
        r->units[i] = (struct vote_roll_unit){xstrdup(u->unit_id), u->area_centi, u->area_source,
                                              r->n_voters - 1};
        v->n_units++;
        v->area_centi += u->area_centi; /* <= VOTE_MAX_TOTAL_AREA: cannot overflow */
        r->totals.area_centi += u->area_centi;
        r->totals.by_source[u->area_source]++;
    }
    free(w);
    r->totals.heads = (int64_t)r->n_voters;
    r->totals.n_units = n_units;

    /* the units are grouped by voter; a second order by unit_id serves lookups */
    r->by_id = xcalloc(n_units, sizeof(*r->by_id));
    struct work *t = xcalloc(n_units, sizeof(*t));
    for (size_t i = 0; i < n_units; i++)
        t[i] = (struct work){NULL, r->units[i].unit_id, i, 0};
    qsort(t, n_units, sizeof(*t), cmp_work_id);
    for (size_t i = 0; i < n_units; i++)
        r->by_id[i] = t[i].in;
    free(t);

    index_members(r);
    *out = r;
    return 0;
}

void vote_roll_free(vote_roll *r)
{
    if (!r)
        return;
    for (size_t v = 0; v < r->n_voters; v++) {
        free((char *)r->voters[v].identity);
        if (r->voters[v].members)
            free((char *)r->voters[v].members[0]);
        free((void *)r->voters[v].members);
    }
    for (size_t i = 0; i < r->totals.n_units; i++)
        free((char *)r->units[i].unit_id);
    free(r->voters);
    free(r->units);
    free(r->by_id);
    free(r->keys);
    free(r);
}

void vote_roll_get_totals(const vote_roll *r, struct vote_roll_totals *out)
{
    *out = r->totals;
}

size_t vote_roll_voter_count(const vote_roll *r)
{
    return r->n_voters;
}

const struct vote_voter *vote_roll_voter(const vote_roll *r, size_t i)
{
    return i < r->n_voters ? &r->voters[i] : NULL;
}

int vote_roll_find(const vote_roll *r, const char *identity, size_t *index)
{
    size_t lo = 0, hi = r->n_voters;
    while (identity && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->voters[mid].identity, identity);
        if (c == 0) {
            *index = mid;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return GG_ENOTFOUND;
}

int vote_roll_find_unit(const vote_roll *r, const char *unit_id, const struct vote_roll_unit **unit)
{
    size_t lo = 0, hi = r->totals.n_units;
    while (unit_id && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct vote_roll_unit *u = &r->units[r->by_id[mid]];
        int c = strcmp(u->unit_id, unit_id);
        if (c == 0) {
            *unit = u;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return GG_ENOTFOUND;
}

size_t vote_roll_owner_voters(const vote_roll *r, const char *owner_key, size_t *out, size_t max)
{
    if (!owner_key)
        return 0;
    size_t lo = 0, hi = r->n_keys;
    while (lo < hi) { /* first entry with key >= owner_key */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->keys[mid].key, owner_key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t i = lo; i < r->n_keys && strcmp(r->keys[i].key, owner_key) == 0; i++, n++)
        if (n < max && out)
            out[n] = r->keys[i].voter;
    return n;
}

/* ---- thresholds -------------------------------------------------------- */

static const char *const item_names[] = {
    "",          "rules",       "covenant", "committee",  "property_manager",
    "use_funds", "raise_funds", "rebuild",  "common_use", "other",
};

int vote_item_supermajority(int item)
{
    if (item < 1 || item > 9)
        return -1;
    return item >= 6 && item <= 8;
}

const char *vote_item_name(int item)
{
    return item >= 1 && item <= 9 ? item_names[item] : "";
}

/* 0 <= part <= total <= max: every product below stays within 4e14. */
static int in_range(int64_t part, int64_t total, int64_t max)
{
    return part >= 0 && part <= total && total <= max;
}

int vote_quorum_met(int64_t part_area, int64_t total_area, int64_t part_heads, int64_t total_heads)
{
    if (!in_range(part_area, total_area, VOTE_MAX_TOTAL_AREA) ||
        !in_range(part_heads, total_heads, VOTE_MAX_UNITS) || total_area == 0 || total_heads == 0)
        return 0;
    return 3 * part_area >= 2 * total_area && 3 * part_heads >= 2 * total_heads;
}

/* Approval on one axis (area or heads), for a checked item. */
static int share_ok(int super, int64_t agree, int64_t part)
{
    if (part == 0)
        return 0;
    return super ? 4 * agree >= 3 * part : 2 * agree > part;
}

int vote_matter_passed(int item, int64_t agree_area, int64_t part_area, int64_t agree_heads,
                       int64_t part_heads)
{
    int super = vote_item_supermajority(item);
    if (super < 0 || !in_range(agree_area, part_area, VOTE_MAX_TOTAL_AREA) ||
        !in_range(agree_heads, part_heads, VOTE_MAX_UNITS))
        return 0;
    return share_ok(super, agree_area, part_area) && share_ok(super, agree_heads, part_heads);
}

int64_t vote_quorum_shortfall(int64_t part, int64_t total)
{
    if (!in_range(part, total, VOTE_MAX_TOTAL_AREA))
        return 0;
    int64_t gap = 2 * total - 3 * part; /* need 3x >= gap */
    return gap <= 0 ? 0 : (gap + 2) / 3;
}

/* ---- counting ballots --------------------------------------------------- */

static void fill_quorum(const vote_roll *r, struct vote_count part, struct vote_count *total,
                        struct vote_count *shortv, int *area_ok, int *heads_ok, int *met)
{
    total->area_centi = r->totals.area_centi;
    total->heads = r->totals.heads;
    shortv->area_centi = vote_quorum_shortfall(part.area_centi, total->area_centi);
    shortv->heads = vote_quorum_shortfall(part.heads, total->heads);
    if (area_ok)
        *area_ok = 3 * part.area_centi >= 2 * total->area_centi;
    if (heads_ok)
        *heads_ok = 3 * part.heads >= 2 * total->heads;
    *met = vote_quorum_met(part.area_centi, total->area_centi, part.heads, total->heads);
}

/* Find ballot i's voter on the roll and mark it seen; the errors name the ballot. */
static int take_voter(const vote_roll *r, const char *voter, size_t i, unsigned char *seen,
                      size_t *v, gg_err *err)
{
    char mk[128];
    if (!voter)
        return gg_fail(err, GG_EINVAL, "voter", "ballot %zu: voter missing", i);
    if (vote_roll_find(r, voter, v) != 0) {
        mask_identity(voter, mk, sizeof(mk));
        return gg_fail(err, GG_ERULE, "voter", "ballot %zu: voter %s is not on the roll", i, mk);
    }
    if (seen[*v]) {
        mask_identity(voter, mk, sizeof(mk));
        return gg_fail(err, GG_ECONFLICT, "voter",
                       "ballot %zu: voter %s has already voted; one ballot per voter", i, mk);
    }
    seen[*v] = 1;
    return 0;
}

static void add(struct vote_count *c, const struct vote_voter *v)
{
    c->area_centi += v->area_centi;
    c->heads++;
}

int vote_tally_matter(const vote_roll *r, int item, const struct vote_ballot *ballots,
                      size_t n_ballots, struct vote_tally *out, gg_err *err)
{
    int super = vote_item_supermajority(item);
    if (super < 0)
        return gg_fail(err, GG_EINVAL, "item", "item must be an art. 278 item, 1 to 9");
    if (!r || !out || (n_ballots && !ballots))
        return gg_fail(err, GG_EINVAL, "ballots", "roll or ballots missing");

    struct vote_tally t = {.item = item, .supermajority = super};
    t.need_num = super ? 3 : 1;
    t.need_den = super ? 4 : 2;
    t.need_strict = !super;
    unsigned char *seen = xcalloc(r->n_voters, 1);
    int rc = 0;
    for (size_t i = 0; i < n_ballots && rc == 0; i++) {
        size_t v;
        enum vote_choice c = ballots[i].choice;
        if (c != VOTE_AGREE && c != VOTE_DISAGREE && c != VOTE_ABSTAIN) {
            rc = gg_fail(err, GG_EINVAL, "choice",
                         "ballot %zu: choice must be agree, disagree or abstain", i);
            break;
        }
        rc = take_voter(r, ballots[i].voter, i, seen, &v, err);
        if (rc)
            break;
        add(&t.part, &r->voters[v]);
        add(c == VOTE_AGREE      ? &t.agree
            : c == VOTE_DISAGREE ? &t.disagree
                                 : &t.abstain,
            &r->voters[v]);
    }
    free(seen);
    if (rc)
        return rc;
    fill_quorum(r, t.part, &t.total, &t.quorum_short, &t.quorum_area_ok, &t.quorum_heads_ok,
                &t.quorum_met);
    t.area_ok = share_ok(super, t.agree.area_centi, t.part.area_centi);
    t.heads_ok = share_ok(super, t.agree.heads, t.part.heads);
    t.passed = t.quorum_met && t.area_ok && t.heads_ok;
    *out = t;
    return 0;
}

/* ---- committee election -------------------------------------------------- */

int vote_seats_valid(int seats)
{
    return seats >= VOTE_SEATS_MIN && seats <= VOTE_SEATS_MAX && seats % 2 == 1;
}

static int seats_fail(int seats, gg_err *err)
{
    return gg_fail(err, GG_ERULE, "seats",
                   "seats: a committee has 5 to 11 members, an odd number (got %d)", seats);
}

/* Check a ballot against candidate ids sorted ascending. */
static int approval_check(int seats, const int64_t *sorted, size_t n, const struct vote_approval *b,
                          gg_err *err)
{
    if (!b || (b->n_candidates && !b->candidates))
        return gg_fail(err, GG_EINVAL, "candidates", "ballot missing");
    if (b->n_candidates > (size_t)seats)
        return gg_fail(err, GG_ERULE, "candidates",
                       "the ballot approves %zu candidates but a ballot may approve at most %d, "
                       "the number of seats",
                       b->n_candidates, seats);
    for (size_t i = 0; i < b->n_candidates; i++) {
        int64_t c = b->candidates[i];
        if (!bsearch(&c, sorted, n, sizeof(*sorted), cmp_i64))
            return gg_fail(err, GG_EINVAL, "candidates",
                           "the ballot approves %lld, who is not a candidate", (long long)c);
        for (size_t j = 0; j < i; j++)
            if (b->candidates[j] == c)
                return gg_fail(err, GG_EINVAL, "candidates",
                               "the ballot approves candidate %lld twice", (long long)c);
    }
    return 0;
}

/* Sorted copy of candidate ids, or an error if any is repeated or the list is bad. */
static int sorted_candidates(const int64_t *ids, size_t n, int64_t **out, gg_err *err)
{
    if (n == 0 || !ids)
        return gg_fail(err, GG_ERULE, "candidates", "there are no candidates");
    if (n > VOTE_MAX_CANDIDATES)
        return gg_fail(err, GG_ETOOBIG, "candidates", "at most %d candidates", VOTE_MAX_CANDIDATES);
    int64_t *s = xcalloc(n, sizeof(*s));
    memcpy(s, ids, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_i64);
    for (size_t i = 1; i < n; i++)
        if (s[i - 1] == s[i]) {
            long long dup = (long long)s[i];
            free(s);
            return gg_fail(err, GG_EINVAL, "candidates", "candidate %lld is listed twice", dup);
        }
    *out = s;
    return 0;
}

int vote_approval_check(int seats, const int64_t *candidate_ids, size_t n_candidates,
                        const struct vote_approval *ballot, gg_err *err)
{
    if (!vote_seats_valid(seats))
        return seats_fail(seats, err);
    int64_t *s;
    int rc = sorted_candidates(candidate_ids, n_candidates, &s, err);
    if (rc)
        return rc;
    rc = approval_check(seats, s, n_candidates, ballot, err);
    free(s);
    return rc;
}

static int passes(const struct vote_candidate_result *c)
{
    return c->area_ok && c->heads_ok;
}

/* Passers first; then more heads, more area; candidate id only to fix the output order. */
static int cmp_rank(const void *a, const void *b)
{
    const struct vote_candidate_result *x = a, *y = b;
    if (passes(x) != passes(y))
        return passes(y) - passes(x);
    if (x->approve.heads != y->approve.heads)
        return x->approve.heads < y->approve.heads ? 1 : -1;
    if (x->approve.area_centi != y->approve.area_centi)
        return x->approve.area_centi < y->approve.area_centi ? 1 : -1;
    return (x->candidate_id > y->candidate_id) - (x->candidate_id < y->candidate_id);
}

static int same_rank(const struct vote_candidate_result *x, const struct vote_candidate_result *y)
{
    return x->approve.heads == y->approve.heads && x->approve.area_centi == y->approve.area_centi;
}

/* Ranks, statuses and the tie at the cut-off, on candidates sorted by cmp_rank. */
static void decide(struct vote_election *e)
{
    struct vote_candidate_result *c = e->candidates;
    size_t n_pass = 0, seats = (size_t)e->seats;
    while (n_pass < e->n_candidates && passes(&c[n_pass]))
        n_pass++;
    for (size_t i = 0; i < e->n_candidates; i++) {
        c[i].rank = i >= n_pass                              ? 0
                    : (i > 0 && same_rank(&c[i - 1], &c[i])) ? c[i - 1].rank
                                                             : i + 1;
        c[i].status = !e->quorum_met ? VOTE_CAND_NO_QUORUM
                      : i >= n_pass  ? VOTE_CAND_NOT_PASSED
                      : i < seats    ? VOTE_CAND_ELECTED
                                     : VOTE_CAND_RUNNER_UP;
    }
    if (!e->quorum_met)
        return;
    if (n_pass > seats && same_rank(&c[seats - 1], &c[seats])) {
        size_t lo = seats - 1, hi = seats;
        while (lo > 0 && same_rank(&c[lo - 1], &c[seats]))
            lo--;
        while (hi + 1 < n_pass && same_rank(&c[hi + 1], &c[seats]))
            hi++;
        for (size_t i = lo; i <= hi; i++)
            c[i].status = VOTE_CAND_TIED;
        e->tie = 1;
        e->n_tied = hi - lo + 1;
        e->tie_seats = seats - lo;
    }
    for (size_t i = 0; i < e->n_candidates; i++)
        e->n_elected += c[i].status == VOTE_CAND_ELECTED;
}

static int cmp_cand_id(const void *a, const void *b)
{
    int64_t x = ((const struct vote_candidate_result *)a)->candidate_id;
    int64_t y = ((const struct vote_candidate_result *)b)->candidate_id;
    return (x > y) - (x < y);
}

int vote_elect(const vote_roll *r, int seats, const int64_t *candidate_ids, size_t n_candidates,
               const struct vote_approval *ballots, size_t n_ballots, struct vote_election *out,
               gg_err *err)
{
    if (!vote_seats_valid(seats))
        return seats_fail(seats, err);
    if (!r || !out || (n_ballots && !ballots))
        return gg_fail(err, GG_EINVAL, "ballots", "roll or ballots missing");
    int64_t *ids;
    int rc = sorted_candidates(candidate_ids, n_candidates, &ids, err);
    if (rc)
        return rc;

    struct vote_election e = {.seats = seats, .n_candidates = n_candidates};
    e.candidates = xcalloc(n_candidates, sizeof(*e.candidates));
    for (size_t i = 0; i < n_candidates; i++)
        e.candidates[i].candidate_id = ids[i]; /* sorted by id: bsearch below */
    unsigned char *seen = xcalloc(r->n_voters, 1);
    for (size_t i = 0; i < n_ballots && rc == 0; i++) {
        size_t v;
        rc = approval_check(seats, ids, n_candidates, &ballots[i], err);
        if (rc) {
            char mk[128], msg[sizeof(err->msg)]; /* sizeof does not evaluate err */
            mask_identity(ballots[i].voter, mk, sizeof(mk));
            gg_strlcpy(msg, err ? err->msg : "", sizeof(msg));
            gg_fail(err, rc, "candidates", "ballot %zu (voter %s): %s", i, mk, msg);
            break;
        }
        rc = take_voter(r, ballots[i].voter, i, seen, &v, err);
        if (rc)
            break;
        add(&e.part, &r->voters[v]);
        for (size_t j = 0; j < ballots[i].n_candidates; j++) {
            struct vote_candidate_result key = {.candidate_id = ballots[i].candidates[j]};
            struct vote_candidate_result *c =
                bsearch(&key, e.candidates, n_candidates, sizeof(key), cmp_cand_id);
            add(&c->approve, &r->voters[v]);
        }
    }
    free(seen);
    free(ids);
    if (rc) {
        free(e.candidates);
        return rc;
    }
    fill_quorum(r, e.part, &e.total, &e.quorum_short, NULL, NULL, &e.quorum_met);
    for (size_t i = 0; i < n_candidates; i++) {
        struct vote_candidate_result *c = &e.candidates[i];
        c->area_ok = share_ok(0, c->approve.area_centi, e.part.area_centi);
        c->heads_ok = share_ok(0, c->approve.heads, e.part.heads);
    }
    qsort(e.candidates, n_candidates, sizeof(*e.candidates), cmp_rank);
    decide(&e);
    *out = e;
    return 0;
}

void vote_election_clear(struct vote_election *e)
{
    if (!e)
        return;
    free(e->candidates);
    memset(e, 0, sizeof(*e));
}

/* ---- filing deadline ------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dim[m - 1];
}

int vote_filing_deadline(int32_t closed, int32_t *due, gg_err *err)
{
    int64_t y = closed / 10000, m = closed / 100 % 100, d = closed % 100;
    if (closed < 19000101 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return gg_fail(err, GG_EINVAL, "closed",
                       "closed: %d is not a date YYYYMMDD between 1900 and 9999", (int)closed);
    civil_from_days(days_from_civil(y, m, d) + 30, &y, &m, &d);
    if (y > 9999)
        return gg_fail(err, GG_EINVAL, "closed", "closed: the deadline falls after 9999");
    if (due)
        *due = (int32_t)(y * 10000 + m * 100 + d);
    return 0;
}
