/*
 * chain.h — the ballot hash chain of an owners' assembly, pure part: the
 * canonical encoding of an entry, the link hash and the verification of a
 * stored chain. Storage and receipts are the store's business.
 *
 * link(i) = BLAKE2b-256(link(i-1) || encode(entry i)), with link(0) the
 * genesis of the assembly. A voter's receipt is the hex of its link. Every
 * ballot and every correction is a new entry; nothing is ever rewritten.
 *
 * The encoding ("GGB1" then each field as a 1-byte tag, a 4-byte big-endian
 * length and the bytes, in a fixed order; integers as 8-byte big-endian
 * two's complement) is injective: the lengths make every field boundary
 * explicit, so ("ab","c") and ("a","bc") differ. Changing it changes every
 * link: bump the magic and keep the old encoder for old chains.
 *
 *   tag  field         bytes
 *   0x01 assembly_id   8
 *   0x02 seq           8
 *   0x03 kind          1   (1 ballot, 2 correction)
 *   0x04 voter         n   (roll identity, UTF-8)
 *   0x05 matter_id     8
 *   0x06 choice        1   (1 agree, 2 disagree, 3 abstain; 0 election ballot)
 *   0x07 candidates    8k  (approved candidate ids, ascending)
 *   0x08 channel       1   (1 online, 2 paper)
 *   0x09 entered_by    n   (UTF-8)
 *   0x0a ts            8   (Unix seconds)
 *   0x0b corrects_seq  8   (0 for a ballot)
 *   0x0c evidence      0 or 32 (BLAKE2b-256 of the paper ballot photo)
 */
#ifndef GG_CHAIN_H
#define GG_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "gg.h"

#define CHAIN_HASH_LEN 32
#define CHAIN_HEX_LEN 64         /* without the NUL */
#define CHAIN_MAX_TEXT 4096      /* bytes of voter or entered_by */
#define CHAIN_MAX_CANDIDATES 32  /* approvals on one entry */
#define CHAIN_MAX_ENCODING 16384 /* bytes of one encoded entry, an upper bound */

enum chain_kind {
    CHAIN_BALLOT = 1,
    CHAIN_CORRECTION = 2, /* replaces the entry corrects_seq of the same voter and matter */
};

enum chain_channel {
    CHAIN_ONLINE = 1,
    CHAIN_PAPER = 2,
};

/* One chain entry. Pointers are borrowed. */
struct chain_entry {
    int64_t assembly_id; /* >= 1 */
    int64_t seq;         /* >= 1; consecutive within the assembly */
    enum chain_kind kind;
    const char *voter;         /* roll identity, 1..CHAIN_MAX_TEXT bytes of UTF-8 */
    int64_t matter_id;         /* >= 1 */
    int choice;                /* enum vote_choice; 0 for an election ballot */
    const int64_t *candidates; /* election only: approved ids, strictly ascending */
    size_t n_candidates;       /* 0..CHAIN_MAX_CANDIDATES; 0 when choice != 0 */
    enum chain_channel channel;
    const char *entered_by; /* the account that entered it, 1..CHAIN_MAX_TEXT bytes */
    int64_t ts;             /* Unix seconds, >= 0 */
    int64_t corrects_seq;   /* correction: 1..seq-1; ballot: 0 */
    int has_evidence;       /* 1 if evidence holds the photo's hash */
    unsigned char evidence[CHAIN_HASH_LEN];
    unsigned char prev[CHAIN_HASH_LEN]; /* as stored: read by chain_verify only */
    unsigned char link[CHAIN_HASH_LEN]; /* as stored: read by chain_verify only */
};

/*
 * Append the canonical encoding of e (prev and link are not part of it) to
 * out. Returns 0, or GG_EINVAL with the field named in err (out may then
 * hold a partial encoding: reset it).
 */
int chain_encode(const struct chain_entry *e, gg_buf *out, gg_err *err);

/*
 * The first prev of an assembly's chain:
 * BLAKE2b-256("gridgov ballot chain v1" || assembly_id as 8 bytes big-endian).
 */
void chain_genesis(int64_t assembly_id, unsigned char out[CHAIN_HASH_LEN]);

/*
 * out = BLAKE2b-256(prev || encode(e)). e->prev and e->link are ignored:
 * prev is the link the store holds as the chain's head. Returns 0, or
 * GG_EINVAL (from chain_encode) or GG_EIO (libsodium failed to start).
 */
int chain_link(const unsigned char prev[CHAIN_HASH_LEN], const struct chain_entry *e,
               unsigned char out[CHAIN_HASH_LEN], gg_err *err);

/* Lower-case hex of a link into out[CHAIN_HEX_LEN + 1]. */
void chain_hex(const unsigned char h[CHAIN_HASH_LEN], char out[CHAIN_HEX_LEN + 1]);

/* Parse exactly 64 hex digits (either case) into out. Returns 0 or GG_EINVAL. */
int chain_unhex(const char *s, unsigned char out[CHAIN_HASH_LEN], gg_err *err);

/*
 * Recompute a stored chain (entries in stored order, borrowed) from
 * first_prev (the genesis, or the link before the first entry given).
 * Each entry must be intact (its link matches its own prev and contents)
 * and follow the one before (its prev is that entry's link). Returns 0 if
 * all n hold; else GG_ERULE with *bad_index the first entry at which the
 * chain fails and err saying why: field "link" (entry edited), "seq"
 * (entries removed, reordered or duplicated before it), "prev" (it does not
 * follow the entry before: one of the two was rewritten, or the first entry
 * is missing), "assembly_id", or the field chain_encode refused. Removing
 * the LAST entries cannot show here: compare the final link with the
 * published head or the receipts.
 */
int chain_verify(const struct chain_entry *entries, size_t n,
                 const unsigned char first_prev[CHAIN_HASH_LEN], size_t *bad_index, gg_err *err);

#endif
