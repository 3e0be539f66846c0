/* All regexes over one window of the text: candidates from the prefilters
 * (runtime/prefilter.h) as 64-byte block bitmaps, confirmation by PCRE2
 * anchored at each candidate, every match handed at once to its consumer.
 *
 * A regex's matches are leftmost and non-overlapping, as re.finditer returns
 * them: every match starts at a candidate (the prefilter conditions are
 * necessary ones), and the first candidate at or after the end of the
 * previous match where the anchored regex matches is the leftmost next match.
 * Matches may run past the window (the whole text stays addressable). */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unicode.h"

static inline uint64_t bits_below(unsigned q) { return q >= 64 ? ~0ull : (1ull << q) - 1; }

/* Code point offset of byte p, given that of an earlier byte a (p may lie past the window). */
static size_t cp_after(const miair_scratch *s, const miair_text *t, size_t a, size_t a_cp, size_t p) {
    if (p <= s->wb && a >= s->wa) return miair_cp_at(s, p);
    return a_cp + miair_utf8_count(t->u8, a, p);
}

/* Whether the consumer of regex id's matches reads their positions: every rule (its findings
 * carry start, end, line) and the section splitter (piece lengths); the other quality counters
 * read only the matched bytes. */
static inline int needs_positions(int id) { return id >= RX_RULE0 || id == RX_SECTIONS; }

/* start_cp / line POS_AT: computed here from ov[0], only when the consumer needs them */
#define POS_AT ((size_t)-1)
static miair_status deliver(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r, int id,
                            const size_t *ov, size_t start_cp, size_t line) {
    if (s->count_only) {
        s->match_count++;
        return MIAIR_OK;
    }
    if (id < RX_RULE0) {
        if (id == RX_SECTIONS && start_cp == POS_AT) start_cp = miair_cp_at(s, ov[0]); /* ov[0] lies in the window */
        return miair_on_quality_match(s, t, id, ov, start_cp);
    }
    if (start_cp == POS_AT) start_cp = miair_cp_at(s, ov[0]);
    if (line == POS_AT) line = miair_line_at(s, ov[0]);
    size_t end_cp = cp_after(s, t, ov[0], start_cp, ov[1]);
    if (s->drop && ov[1] > s->wb + (1u << 20)) s->drop(s->drop_ctx, s->wb, ov[1]);
    (void)e;
    return miair_on_rule_match(s, t, r, id - RX_RULE0, ov, start_cp, end_cp, line);
}

/* Patterns the prefilter cannot describe: plain re.finditer, matches handed
 * over when the window that holds their start comes. */
static miair_status fallback_window(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                                    int id) {
    const size_t width = 2 * (1 + (size_t)e->rx[id].capture_count);
    for (;;) {
        if (s->fallback_state[id] == 2) return MIAIR_OK;
        if (s->fallback_state[id] == 0) {
            miair_pyre_iter it;
            miair_pyre_iter_init(&it, &e->rx[id], &s->rx, t->u8, t->nb);
            it.pos = s->fallback_pos[id];
            it.must_advance = s->fallback_must_advance[id];
            const size_t *ov;
            int rc = miair_pyre_next(&it, &ov);
            if (rc < 0) return MIAIR_ERR_REGEX;
            if (rc == 0) {
                s->fallback_state[id] = 2;
                return MIAIR_OK;
            }
            memcpy(s->fallback_ov[id], ov, (width < 8 ? width : 8) * sizeof(size_t));
            s->fallback_state[id] = 1;
        }
        const size_t *ov = s->fallback_ov[id];
        if (ov[0] >= s->wb && s->wb < t->nb) return MIAIR_OK; /* a later window */
        miair_status st = deliver(e, s, t, r, id, ov, POS_AT, POS_AT);
        if (st) return st;
        s->fallback_pos[id] = ov[1];
        s->fallback_must_advance[id] = ov[1] == ov[0];
        s->fallback_state[id] = 0;
    }
}

/* The run of regex id ends at byte p (the first byte not in C; p may be the text's end).
 * C{m,}D: a match when the run is long enough and D follows: the run and the D (C and D are
 * disjoint, so greedy C{m,} from the run's start stops exactly before the D; PCRE2 is asked only
 * for the groups of a regex that has some).
 * C{m,}: the run itself is the match when it is long enough (exact from the shape). */
static void run_position(miair_scratch *s, int id) {
    if (s->run_start_cp[id] != (size_t)-1 || !needs_positions(id)) return;
    s->run_start_cp[id] = miair_cp_at(s, s->run_start[id]);
    s->run_start_line[id] = miair_line_at(s, s->run_start[id]);
}

static miair_status run_end(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r, int id,
                            size_t p) {
    const miair_prefilter *pf = &e->pf[id];
    s->in_run[id] = 0;
    if (s->run_chars[id] < pf->run_min) return MIAIR_OK;
    run_position(s, id); /* the start lies in this window unless it was recorded when its window ended */
    if (pf->run_no_d) {
        const size_t ov[2] = {s->run_start[id], p};
        return deliver(e, s, t, r, id, ov, s->run_start_cp[id], s->run_start_line[id]);
    }
    if (p >= t->nb || t->u8[p] >= 0x80 || !miair_byteset_has(&pf->run_d, t->u8[p])) return MIAIR_OK;
    if (e->rx[id].capture_count == 0) { /* the shape fixes the match: the run and its D */
        const size_t whole[2] = {s->run_start[id], p + 1};
        return deliver(e, s, t, r, id, whole, s->run_start_cp[id], s->run_start_line[id]);
    }
    const size_t *ov;
    int rc = miair_pyre_match_at(&e->rx[id], &s->rx, t->u8, t->nb, s->run_start[id], &ov);
    if (rc <= 0) return MIAIR_ERR_REGEX; /* the shape analysis guarantees a match here */
    return deliver(e, s, t, r, id, ov, s->run_start_cp[id], s->run_start_line[id]);
}

/* A run starts at p; its code point and line are computed only if it turns out long enough. */
static void run_begin(miair_scratch *s, int id, size_t p) {
    s->in_run[id] = 1;
    s->run_start[id] = p;
    s->run_chars[id] = 0;
    s->run_start_cp[id] = (size_t)-1;
}

/* The quality counter that a C{m,} run of regex id only adds 1 to, or NULL. */
static long *run_counter(const miair_engine *e, miair_scratch *s, int id) {
    return e->pf[id].run_no_d && !s->count_only ? miair_quality_counter(s, id) : NULL;
}

/* Runs of regex id in one block from its membership bits R (valid bits only): starts
 * and ends in order; a run's characters are its bits that are not continuation bytes.
 * counter: a match that only adds 1 to it is counted here, without the match's record
 * (run_counter), or NULL. */
static inline __attribute__((always_inline)) miair_status runs_block(const miair_engine *e, miair_scratch *s,
                                                                     const miair_text *t, miair_result *r, int id,
                                                                     long *counter, size_t pos0, uint64_t R,
                                                                     uint64_t CT, unsigned valid) {
    const uint64_t V = bits_below(valid), prev = s->in_run[id] ? 1 : 0;
    const miair_prefilter *pf = &e->pf[id];
    if (counter && pf->run_pairs_only && pf->run_min == 2) {
        /* counted, no positions kept: a run of two or more members ends at q when q-1 and q-2 are
         * members (before the block: in_run, and run_chars >= 2 then; run_chars stops at 2) */
        const uint64_t m1 = prev, m2 = prev && s->run_chars[id] >= 2;
        const uint64_t ends = ~R & V & ((R << 1) | m1);
        *counter += miair_popcount64(ends & ((R << 2) | (m1 << 1) | m2));
        const uint64_t last = (R >> (valid - 1)) & 1, second = valid >= 2 ? (R >> (valid - 2)) & 1 : m1;
        s->in_run[id] = (int)last;
        s->run_chars[id] = last ? 1 + second : 0;
        return MIAIR_OK;
    }
    if (pf->run_pairs_only) {
        /* C{m,} with m >= 2 over an ASCII-only C: runs of one member cannot match (the last bit's
         * run may go on): not runs; a block without two adjacent members, entered outside a run,
         * only matters through a run at its last bit */
        R &= ~(R & ~((R << 1) | prev) & ~(R >> 1) & bits_below(valid - 1));
        if (!prev && !(R & (R >> 1))) {
            if ((R >> (valid - 1)) & 1) {
                run_begin(s, id, pos0 + valid - 1);
                s->run_chars[id] = 1;
            }
            return MIAIR_OK;
        }
    }
    const uint64_t starts = R & ~((R << 1) | prev), ends = ~R & V & ((R << 1) | prev);
    const uint64_t NC = R & ~CT; /* a run's characters: its bits that are not continuation bytes */
    miair_status st;
    /* one step per run end; the run's start is the last start bit below it, else an earlier block's */
    for (uint64_t E = ends; E; E &= E - 1) {
        const unsigned q = (unsigned)__builtin_ctzll(E);
        const uint64_t below = starts & bits_below(q);
        unsigned from = 0;
        if (below) {
            from = 63 - (unsigned)__builtin_clzll(below);
            run_begin(s, id, pos0 + from);
        }
        s->run_chars[id] += CT ? miair_popcount64(NC & bits_below(q) & ~bits_below(from)) : q - from;
        if (s->run_chars[id] < pf->run_min || counter) { /* too short (most runs), or counted: no call */
            s->in_run[id] = 0;
            if (counter) *counter += s->run_chars[id] >= pf->run_min;
            continue;
        }
        if ((st = run_end(e, s, t, r, id, pos0 + q))) return st;
    }
    if ((R >> (valid - 1)) & 1) { /* a run reaches the block's end: begun after the last end, or earlier */
        unsigned from = 0;
        if (starts > ends) { /* disjoint bit sets: the last start lies above the last end */
            from = 63 - (unsigned)__builtin_clzll(starts);
            run_begin(s, id, pos0 + from);
        }
        s->run_chars[id] += CT ? miair_popcount64(NC & V & ~bits_below(from)) : valid - from;
    }
    return MIAIR_OK;
}

/* Run-shaped regexes beyond the bitmap ones: byte by byte. */
static int bitmap_run(const miair_engine *e, int id) {
    for (int i = 0; i < e->nruns; i++)
        if (e->run_ids[i] == id) return 1;
    return 0;
}

static miair_status runs_window(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                                int id) {
    const miair_prefilter *pf = &e->pf[id];
    const uint8_t *u = t->u8;
    miair_status st;
    for (size_t p = s->wa; p < s->wb; p++) {
        uint8_t b = u[p];
        int in = b < 0x80 ? miair_byteset_has(&pf->run_c, b) : pf->run_c_nonascii;
        if (in) {
            if (!s->in_run[id]) run_begin(s, id, p);
            s->run_chars[id] += (b & 0xC0) != 0x80;
        } else if (s->in_run[id] && (st = run_end(e, s, t, r, id, p))) {
            return st;
        }
    }
    return MIAIR_OK;
}

/* C*D: the first byte after the run of C from p must be in D. The run's end is remembered, so a
 * later p inside the same run costs nothing (each byte is looked at once per regex). */
static int star_ok(const miair_prefilter *pf, miair_scratch *s, const uint8_t *u, size_t n, size_t p, int id) {
    size_t q;
    if (p >= s->star_from[id] && p <= s->star_end[id] && s->star_end[id] != 0) {
        q = s->star_end[id];
    } else {
        q = p;
        while (q < n && u[q] < 0x80 && miair_byteset_has(&pf->star_c, u[q])) q++;
        s->star_from[id] = p;
        s->star_end[id] = q;
    }
    if (q == n) return 0;
    return !(u[q] < 0x80 && !miair_byteset_has(&pf->star_d, u[q]));
}

/* Position of the next byte b at or after p (t->nb when none), remembered: every region of the
 * text is searched at most once per byte value. The search ahead drops the pages it read. */
static size_t next_byte(miair_scratch *s, const miair_text *t, uint8_t b, size_t p) {
    if (s->req_valid[b] && p >= s->req_from[b] && p <= s->req_at[b]) return s->req_at[b];
    size_t at = t->nb;
    const size_t chunk = (size_t)8 << 20;
    for (size_t q = p; q < t->nb;) {
        size_t len = t->nb - q < chunk ? t->nb - q : chunk;
        const uint8_t *hit = memchr(t->u8 + q, b, len);
        if (s->drop && q > s->wb) s->drop(s->drop_ctx, q, q + len);
        if (hit) {
            at = (size_t)(hit - t->u8);
            break;
        }
        q += len;
    }
    s->req_valid[b] = 1;
    s->req_from[b] = p;
    s->req_at[b] = at;
    return at;
}

/* The first byte after p that is not in the skip shape's class C. */
static size_t skip_end(const miair_prefilter *pf, const uint8_t *u, size_t n, size_t p) {
    size_t q = p + 1;
    while (q < n && (u[q] < 0x80 ? miair_byteset_has(&pf->skip_c, u[q]) : pf->skip_c_nonascii)) q++;
    return q;
}

/* Word character (Python's \w: str.isalnum() or '_') of the character at byte i / before byte i. */
static int word_at(const uint8_t *u, size_t n, size_t i) {
    if (i >= n) return 0;
    if (u[i] < 0x80) return miair_uc_isword(u[i]);
    size_t j = i;
    return miair_uc_isword(miair_utf8_next(u, &j));
}
static int word_before(const uint8_t *u, size_t i) {
    if (i == 0) return 0;
    size_t j = i - 1;
    while (j > 0 && (u[j] & 0xC0) == 0x80) j--;
    return word_at(u, i, j);
}

/* The end of the run of whitespace characters (Python's \s) from byte i. */
static size_t skip_spaces(const uint8_t *u, size_t n, size_t i) {
    while (i < n) {
        size_t j = i;
        uint32_t ch = u[i] < 0x80 ? u[j++] : miair_utf8_next(u, &j);
        if (!miair_uc_isspace(ch)) break;
        i = j;
    }
    return i;
}

/* Whether \s+\w matches at byte i (Python's Unicode classes). */
static int space_then_word(const uint8_t *u, size_t n, size_t i) {
    size_t e = skip_spaces(u, n, i);
    return e > i && word_at(u, n, e);
}

/* \s+\w+S\b at byte i: 1 and *end (the end of the word), 0, or -1 when a non-ASCII character stands
 * where a caseless S has a letter with non-ASCII case variants (s, k, i). */
static int space_word_suffix(const miair_litalt *la, const uint8_t *u, size_t n, size_t i, size_t *end) {
    const size_t e = skip_spaces(u, n, i);
    if (e == i) return 0;
    i = e;
    /* the maximal word run from i (\w+ backs off inside it, but S\b can only end where it ends) */
    size_t chars = 0, starts[8] = {0}; /* byte offsets of the last 8 characters' starts (ring) */
    while (i < n) {
        size_t j = i;
        uint32_t ch = u[i] < 0x80 ? u[j++] : miair_utf8_next(u, &j);
        if (!miair_uc_isword(ch)) break;
        starts[chars % 8] = i;
        chars++;
        i = j;
    }
    const unsigned m = la->suffix_len;
    if (chars < m + 1) return 0;
    for (unsigned k = 0; k < m; k++) { /* the last m characters against S */
        size_t at = starts[(chars - m + k) % 8];
        uint8_t t = u[at], c = la->suffix[k];
        if (t >= 0x80) {
            if (la->icase && (c == 's' || c == 'k' || c == 'i')) return -1;
            return 0;
        }
        if (la->icase && (unsigned)t - 'A' < 26u) t |= 0x20;
        if (t != c) return 0;
    }
    *end = i;
    return 1;
}

/* A literal-alternation regex at p: 1 and *end (*gend: the alternative's end) for a match, 0 for none,
 * -1 when a non-ASCII character stands where a caseless literal has a letter (it may be a case
 * variant): the regex decides. */
static int litalt_match(const miair_litalt *la, const uint8_t *u, size_t n, size_t p, size_t *end, size_t *gend) {
    int before = -1;
    for (int k = 0; k < la->nalt; k++) {
        const size_t len = la->len[k];
        const uint8_t *c = la->c[k];
        int ok = 1;
        if (p + MIAIR_PF_ALT_LEN <= n) { /* word by word; a non-ASCII byte in a word: byte by byte below */
            size_t j = 0;
            for (; j < len; j += 8) {
                uint64_t x;
                memcpy(&x, u + p + j, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                x = __builtin_bswap64(x);
#endif
                const uint64_t m = la->mask[k][j / 8];
                if (x & m & 0x8080808080808080ull) break;
                if (((x | la->fold[k][j / 8]) & m) != la->val[k][j / 8]) {
                    ok = 0;
                    break;
                }
            }
            if (!ok) continue;
            if (j >= len) goto matched;
        }
        for (size_t j = 0; j < len && ok; j++) {
            if (p + j >= n) {
                ok = 0;
                break;
            }
            uint8_t t = u[p + j];
            if (t >= 0x80) {
                if (la->icase && (unsigned)c[j] - 'a' < 26u) return -1;
                ok = 0;
                break;
            }
            if (la->icase && (unsigned)t - 'A' < 26u) t |= 0x20;
            ok = t == c[j];
        }
        if (!ok) continue;
    matched:
        if (la->lead_b) {
            if (before < 0) before = word_before(u, p);
            if (before == (int)miair_uc_isword(c[0])) continue;
        }
        if (la->trail_b && word_at(u, n, p + len) == (int)miair_uc_isword(c[len - 1])) continue;
        if (la->not_space_word && space_then_word(u, n, p + len)) continue;
        *gend = p + len;
        if (la->suffix_len) {
            int r = space_word_suffix(la, u, n, p + len, end);
            if (r < 0) return -1;
            if (r == 0) continue;
            return 1;
        }
        *end = p + len;
        return 1;
    }
    return 0;
}

/* The Markdown header regexes of the quality metrics, matched by hand at a line start p (the
 * candidate filter has checked ^): ^#{1,3}\s+ (sections), ^#{1,6}\s+.+ (headers) and
 * ^(#{1,6})\s+(.+)$ (titles, groups in ov[2..5]). The #-run is maximal and must be 1..maxh long;
 * \s+ takes the whole whitespace run (Unicode, newlines too); .+ then starts at the character
 * after it, which is not whitespace, so not a newline; a run that reaches the text's end gives
 * back characters from its end until .+ can start (a character other than a newline, with at
 * least one whitespace character left for \s+). .+ runs to the next newline; $ holds there.
 * Returns 1 (ov filled) or 0. */
static int header_at(int id, const uint8_t *u, size_t n, size_t p, size_t ov[6]) {
    const size_t maxh = id == RX_SECTIONS ? 3 : 6;
    size_t i = p;
    while (i < n && u[i] == '#') i++;
    if (i == p || i - p > maxh) return 0;
    const size_t ws = skip_spaces(u, n, i);
    if (ws == i) return 0;
    ov[0] = p;
    if (id == RX_SECTIONS) {
        ov[1] = ws;
        return 1;
    }
    size_t a = ws;
    if (a == n) {
        do {
            do a--;
            while (a > i && (u[a] & 0xC0) == 0x80);
            if (a == i) return 0;
        } while (u[a] == '\n');
    }
    const uint8_t *nl = memchr(u + a, '\n', n - a);
    const size_t e = nl ? (size_t)(nl - u) : n;
    ov[1] = e;
    ov[2] = p, ov[3] = i, ov[4] = a, ov[5] = e;
    return 1;
}

int miair_fence_shape(const char *py) {
    if (!strcmp(py, "```[\\s\\S]*?```")) return MIAIR_FENCE_BLOCK;
    if (!strcmp(py, "```(\\w+)")) return MIAIR_FENCE_LANG;
    if (!strcmp(py, "```\\n[^`]")) return MIAIR_FENCE_NEWLINE;
    return MIAIR_FENCE_NONE;
}

/* The code-fence regexes, matched by hand at p: ```[\s\S]*?``` (to the end of the first ``` after
 * the opening one), ```(\w+) (the whole run of word characters, Unicode, at least one; group 1)
 * and ```\n[^`] (a newline, then one character other than a backtick, newlines included).
 * Returns 1 (ov filled) or 0. */
static int fence_at(int kind, const uint8_t *u, size_t n, size_t p, size_t ov[4]) {
    if (n - p < 3 || memcmp(u + p, "```", 3)) return 0;
    const size_t a = p + 3;
    size_t e = a;
    switch (kind) {
    case MIAIR_FENCE_BLOCK: {
        const uint8_t *q = memmem(u + a, n - a, "```", 3);
        if (!q) return 0;
        e = (size_t)(q - u) + 3;
        break;
    }
    case MIAIR_FENCE_LANG:
        while (e < n) {
            size_t j = e;
            const uint32_t c = u[e] < 0x80 ? u[j++] : miair_utf8_next(u, &j);
            if (!miair_uc_isword(c)) break;
            e = j;
        }
        if (e == a) return 0;
        ov[2] = a, ov[3] = e;
        break;
    case MIAIR_FENCE_NEWLINE:
        if (n - a < 2 || u[a] != '\n' || u[a + 1] == '`') return 0;
        e = a + 1;
        if (u[e] < 0x80)
            e++;
        else
            miair_utf8_next(u, &e);
        break;
    default:
        return 0;
    }
    ov[0] = p, ov[1] = e;
    return 1;
}

/* Tries the prefiltered regexes at byte p (increasing p). */
static inline miair_status try_at(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                                  size_t p) {
    const uint8_t *u = t->u8;
    const size_t n = t->nb;
    const uint8_t b = u[p];
    uint32_t m = e->first_mask[b] & s->rx_only;
    if (b < 0x80 && p + 1 < n && u[p + 1] < 0x80) m &= e->pair_mask[b][u[p + 1]];
    if (p) {
        const uint8_t a = u[p - 1];
        if (a != '\n') m &= ~e->line_start_mask;
        if (b < 0x80 && a < 0x80 && miair_uc_isword(a)) m &= ~e->nonword_mask;
    }
    while (m) {
        int id = __builtin_ctz(m);
        m &= m - 1;
        const miair_prefilter *pf = &e->pf[id];
        if (p < s->next[id] || !miair_prefilter_may_start(pf, u, n, p)) continue;
        if (pf->has_star && !star_ok(pf, s, u, n, p, id)) continue;
        int missing = 0; /* a byte every match holds is not in the rest of the text */
        for (int k = 0; k < pf->nrequired && !missing; k++) missing = next_byte(s, t, pf->required[k], p + 1) >= n;
        if (missing) {
            s->next[id] = n; /* nor after p: no more matches of this regex */
            continue;
        }
        const size_t *ov = NULL;
        size_t lov[6], lend, gend;
        int rc = -1;
        if (pf->has_litalt) {
            if ((rc = litalt_match(&pf->litalt, u, n, p, &lend, &gend)) == 1) {
                lov[0] = lov[2] = p, lov[1] = lend, lov[3] = gend; /* group 1, if any: the alternative */
                ov = lov;
            }
        } else if (id == RX_HEADERS || id == RX_SECTIONS || id == RX_HEADER_TITLES) {
            if ((rc = header_at(id, u, n, p, lov)) == 1) ov = lov;
        } else if (e->fence[id]) {
            if ((rc = fence_at(e->fence[id], u, n, p, lov)) == 1) ov = lov;
        }
        if (rc < 0 && (rc = miair_pyre_match_at(&e->rx[id], &s->rx, u, n, p, &ov)) < 0) return MIAIR_ERR_REGEX;
        if (rc == 0) {
            if (pf->skip_shape) s->next[id] = skip_end(pf, u, n, p); /* no match before the run's end either */
            if (e->fence[id] == MIAIR_FENCE_BLOCK) s->next[id] = n; /* no ``` after p + 3: no later match */
            continue;
        }
        s->next[id] = ov[1];
        miair_status st = deliver(e, s, t, r, id, ov, POS_AT, POS_AT);
        if (st) return st;
    }
    return MIAIR_OK;
}

miair_status miair_window_scan(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r) {
    const uint8_t *u = t->u8;
    miair_status st;
    for (int id = 0; id < RX_COUNT; id++) {
        if (!e->rx[id].code || !((s->rx_only >> id) & 1)) continue;
        if (!e->pf[id].usable) {
            if ((st = fallback_window(e, s, t, r, id))) return st;
        } else if (e->pf[id].run_shape && !bitmap_run(e, id)) {
            if ((st = runs_window(e, s, t, r, id))) return st;
        }
    }
    /* Candidates per 64-byte block, a superset of the positions where try_at
     * can find a regex to try: bytes of the "anywhere" first sets, word starts
     * with a first byte of a \b-led regex, line starts with a first byte of a
     * ^-led regex, UTF-8 lead bytes some regex may start with; then the pair
     * buckets drop first bytes whose next byte no regex of their bucket accepts. */
    const size_t blocks = MIAIR_BLOCKS(s->wb - s->wa);
    const uint64_t *cls = s->cls;
    /* the pattern-stage benchmark runs the rule regexes alone: their own candidate sets */
    const int rules_only = s->rx_only == (~0u << RX_RULE0);
    const struct miair_bytesets *bsets = rules_only ? &e->bsets_rules : &e->bsets;
    uint64_t *sb = s->setbits;
    const uint64_t *wrej = s->wrej_ok ? s->wrej : NULL;
    s->wrej_ok = 0;
    /* the pair buckets where the text stage's word filter is not there (non-ASCII windows, the
     * pattern stage alone): with it, the candidates they would drop are few and their
     * second byteset_bits pass costs more than it saves */
    static const struct miair_bytesets no_pairs;
    const struct miair_bytesets *psets = wrej ? &no_pairs : rules_only ? &e->pairs_rules : &e->pairs;
    if (blocks) {
        e->k->byteset_bits(u + s->wa, s->wb - s->wa, bsets, sb, SET_STRIDE);
        if (psets->nsets) e->k->byteset_bits(u + s->wa, s->wb - s->wa, psets, sb + 8, SET_STRIDE);
    }
    /* the next byte's sets after the window (the text's end passes every pair filter) */
    const unsigned after = s->wb < t->nb ? (t->u8[s->wb] < 0x80 ? psets->bits[t->u8[s->wb]] : 0xFFu) : 0xFFu;
    long *counters[MIAIR_BITMAP_RUNS];
    for (int k = 0; k < e->nruns; k++) counters[k] = run_counter(e, s, e->run_ids[k]);
    uint64_t wcarry = s->wa && u[s->wa - 1] < 0x80 && miair_uc_isword(u[s->wa - 1]);
    uint64_t ncarry = !s->wa || u[s->wa - 1] == '\n';
    for (size_t bi = 0; bi < blocks; bi++) {
        const size_t pos0 = s->wa + 64 * bi;
        const size_t valid = s->wb - pos0 < 64 ? s->wb - pos0 : 64;
        const uint64_t A = sb[bi * SET_STRIDE + 0], NWF = sb[bi * SET_STRIDE + 1], LSF = sb[bi * SET_STRIDE + 2];
        const uint64_t *const R = sb + bi * SET_STRIDE + 3; /* the run classes' bits */
        const uint64_t W = cls[bi * CLS_STRIDE + MIAIR_CLS_WORD];
        const uint64_t N = cls[bi * CLS_STRIDE + MIAIR_CLS_NEWLINE];
        const uint64_t CT = cls[bi * CLS_STRIDE + MIAIR_CLS_CONT];
        /* word starts of \b-led regexes, less those the text stage found beginning no match */
        const uint64_t RJ = wrej ? wrej[bi] & ~cls[bi * CLS_STRIDE + MIAIR_CLS_UPPER] : 0;
        uint64_t C = (A | (NWF & ~((W << 1) | wcarry) & ~RJ) | (LSF & ((N << 1) | ncarry))) &
                     bits_below((unsigned)valid);
        if (psets->nsets && C) { /* drop first bytes of a bucket whose next byte no regex of it accepts */
            const uint64_t *pb = sb + bi * SET_STRIDE + 8;
            /* next bytes >= 0x80 pass every bucket (the sets hold ASCII only: the kernel needs no
             * high-half lookup for them); after the window: `after` */
            const uint64_t NA = cls[bi * CLS_STRIDE + MIAIR_CLS_NONASCII];
            const uint64_t NA1 = bi + 1 < blocks ? cls[(bi + 1) * CLS_STRIDE + MIAIR_CLS_NONASCII] & 1 : 0;
            uint64_t inb = 0, ok = 0;
            for (unsigned k = 0; 2 * k < psets->nsets; k++) {
                uint64_t nxt = bi + 1 < blocks ? (pb[SET_STRIDE + 2 * k + 1] & 1) | NA1 : (after >> (2 * k + 1)) & 1;
                uint64_t S = ((pb[2 * k + 1] | NA) >> 1) | (nxt << (valid - 1));
                inb |= pb[2 * k];
                ok |= pb[2 * k] & S;
            }
            C &= ~inb | ok;
        }
        wcarry = W >> 63;
        ncarry = N >> 63;
        for (int k = 0; k < e->nruns; k++) {
            if (!((s->rx_only >> e->run_ids[k]) & 1)) continue;
            /* two copies of runs_block: with a counter, and without (NULL known there) */
            st = counters[k] ? runs_block(e, s, t, r, e->run_ids[k], counters[k], pos0, R[k], CT, (unsigned)valid)
                             : runs_block(e, s, t, r, e->run_ids[k], NULL, pos0, R[k], CT, (unsigned)valid);
            if (st) return st;
        }
        while (C) {
            size_t p = pos0 + (size_t)__builtin_ctzll(C);
            C &= C - 1;
            if ((st = try_at(e, s, t, r, p))) return st;
        }
    }
    for (int id = 0; id < RX_COUNT; id++) /* runs going on into the next window: their start's position now */
        if (s->in_run[id]) run_position(s, id);
    return MIAIR_OK;
}

miair_status miair_scan_finish(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r) {
    /* a run reaching the text's end: a match for C{m,} (no D can follow for C{m,}D) */
    for (int id = 0; id < RX_COUNT; id++) {
        if (!e->rx[id].code || !e->pf[id].run_shape || !s->in_run[id] || !((s->rx_only >> id) & 1)) continue;
        miair_status st = run_end(e, s, t, r, id, t->nb);
        if (st) return st;
    }
    return MIAIR_OK;
}

/* The first-byte sets (ASCII: 0 ANY, 1 NW, 2 LS; no pair filter, try_at applies it) and the exact
 * run classes (3..) of the regexes in idmask, for the byteset_bits kernel. */
static void build_bytesets(miair_engine *e, uint32_t idmask, struct miair_bytesets *out) {
    uint64_t members[MIAIR_BYTESETS_MAX][4] = {{0}};
    for (unsigned b = 0; b < 128; b++)
        for (uint32_t m = e->first_mask[b] & idmask; m; m &= m - 1) {
            const miair_prefilter *pf = &e->pf[__builtin_ctz(m)];
            int k = pf->line_start ? 2 : pf->nonword_before ? 1 : 0;
            members[k][b >> 6] |= 1ull << (b & 63);
        }
    /* UTF-8 lead bytes where some regex may start: candidates whatever comes before (the word and
     * line conditions are left to try_at and the regex) */
    for (unsigned b = 128; b < 256; b++)
        if (e->first_mask[b] & idmask) members[0][b >> 6] |= 1ull << (b & 63);
    for (int k = 0; k < e->nruns; k++) {
        const miair_prefilter *pf = &e->pf[e->run_ids[k]];
        if (!((idmask >> e->run_ids[k]) & 1)) continue;
        for (unsigned b = 0; b < 256; b++)
            if (b < 0x80 ? miair_byteset_has(&pf->run_c, b) : pf->run_c_nonascii) members[3 + k][b >> 6] |= 1ull << (b & 63);
    }
    miair_bytesets_init(out, 3 + (unsigned)e->nruns, members);
}

/* Weights of the pair-bucket grouping: how often a byte occurs in English prose, per mille
 * (letter frequencies of English text, rounded; capitals a tenth of their letter, digits and
 * punctuation a few). The grouping keeps small the expected share of candidates a bucket lets
 * through wrongly: first-byte weight x weight of the next bytes the bucket accepts. */
static long byte_weight(unsigned c) {
    static const unsigned char letter[26] = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2,  8, 40, 24,
                                             67, 75, 19, 1,  60, 63,  91, 28, 10, 24, 2, 20, 1};
    if (c >= 'a' && c <= 'z') return 10 * letter[c - 'a'];
    if (c >= 'A' && c <= 'Z') return letter[c - 'A'];
    if (c == ' ') return 1500;
    if ((c >= '0' && c <= '9') || c == '.' || c == ',' || c == '\n') return 50;
    return 5;
}
/* The weight of a set of next bytes: over its members (W: byte_weight of 0..127). */
static long next_weight(const long W[128], const uint64_t s[2]) {
    long w = 0;
    for (unsigned k = 0; k < 2; k++)
        for (uint64_t x = s[k]; x; x &= x - 1) w += W[64 * k + (unsigned)__builtin_ctzll(x)];
    return w;
}

/* The pair buckets of the regexes in idmask (see miair_engine.pairs): the ASCII first bytes whose
 * rows of pair_mask reject some ASCII next byte, grouped greedily (merging the two buckets whose
 * union adds the least weight of pairs no member accepts) into MIAIR_PAIR_BUCKETS buckets. */
struct pair_bucket {
    uint64_t f[2], s[2]; /* first bytes, accepted next bytes */
    long wf, ws;         /* sum of first-byte weights, weight of the next bytes */
};

/* What merging buckets a and b adds: first-byte weight x next-byte weight of the union, less
 * what each had. */
static long merge_cost(const long W[128], const struct pair_bucket *a, const struct pair_bucket *b) {
    const uint64_t u[2] = {a->s[0] | b->s[0], a->s[1] | b->s[1]};
    return (a->wf + b->wf) * next_weight(W, u) - a->wf * a->ws - b->wf * b->ws;
}

static void build_pairs(miair_engine *e, uint32_t idmask, struct miair_bytesets *out) {
    struct pair_bucket bk[128];
    long W[128];
    for (unsigned c = 0; c < 128; c++) W[c] = byte_weight(c);
    int nb = 0;
    for (unsigned b = 0; b < 128; b++) {
        const uint32_t fm = e->first_mask[b] & idmask;
        if (!fm) continue;
        uint64_t r[2] = {0, 0};
        for (unsigned c = 0; c < 128; c++)
            if (e->pair_mask[b][c] & fm) r[c >> 6] |= 1ull << (c & 63);
        if (!~r[0] && !~r[1]) continue; /* every next byte passes: not restricted */
        int k = 0;
        while (k < nb && (bk[k].s[0] != r[0] || bk[k].s[1] != r[1])) k++; /* same row: same bucket, free */
        if (k == nb) memset(&bk[nb++], 0, sizeof bk[0]), bk[k].s[0] = r[0], bk[k].s[1] = r[1];
        bk[k].f[b >> 6] |= 1ull << (b & 63);
        bk[k].wf += W[b];
    }
    for (int k = 0; k < nb; k++) bk[k].ws = next_weight(W, bk[k].s);
    /* merge costs, updated for the merged bucket only (without memory: no buckets, try_at judges) */
    long(*cost)[128] = nb > MIAIR_PAIR_BUCKETS ? malloc(sizeof(long[128][128])) : NULL;
    if (nb > MIAIR_PAIR_BUCKETS && !cost) {
        miair_bytesets_init(out, 0, NULL);
        return;
    }
    for (int i = 0; i < nb; i++)
        for (int j = i + 1; j < nb; j++) cost[i][j] = merge_cost(W, &bk[i], &bk[j]);
    int alive[128], na = nb;
    for (int i = 0; i < nb; i++) alive[i] = 1;
    while (na > MIAIR_PAIR_BUCKETS) {
        int bi = -1, bj = -1;
        for (int i = 0; i < nb; i++)
            for (int j = i + 1; alive[i] && j < nb; j++)
                if (alive[j] && (bi < 0 || cost[i][j] < cost[bi][bj])) bi = i, bj = j;
        bk[bi].f[0] |= bk[bj].f[0], bk[bi].f[1] |= bk[bj].f[1];
        bk[bi].s[0] |= bk[bj].s[0], bk[bi].s[1] |= bk[bj].s[1];
        bk[bi].wf += bk[bj].wf;
        bk[bi].ws = next_weight(W, bk[bi].s);
        alive[bj] = 0;
        na--;
        for (int k = 0; k < nb; k++) {
            if (!alive[k] || k == bi) continue;
            const long c = merge_cost(W, &bk[bi], &bk[k]);
            if (k < bi) cost[k][bi] = c;
            else cost[bi][k] = c;
        }
    }
    free(cost);
    uint64_t members[MIAIR_BYTESETS_MAX][4] = {{0}};
    unsigned ns = 0;
    for (int k = 0; k < nb; k++) {
        if (!alive[k]) continue;
        members[ns][0] = bk[k].f[0], members[ns][1] = bk[k].f[1];
        members[ns + 1][0] = bk[k].s[0], members[ns + 1][1] = bk[k].s[1];
        /* bytes >= 0x80 are not judged: the scan lets them pass from the NONASCII class bitmap */
        ns += 2;
    }
    miair_bytesets_init(out, ns, members);
}

static int ascii_word_byte(unsigned c) { return c < 0x80 && miair_uc_isword(c); }

/* e->wstart from the \b-led regexes (see struct miair_wordstart). A literal alternation's word
 * must be the alternative's leading word characters exactly when a non-word character of the
 * alternative, a trailing \b or a \s+ suffix follows them; else it may go on. Any other \b-led
 * regex keeps every word whose first byte is one of its first bytes (uppercase ones aside: words
 * beginning with an uppercase letter are never dropped). Unusable (every word kept) when some
 * alternative begins with a non-word character or the alternatives do not fit. */
static void build_wordstart(miair_engine *e) {
    struct miair_wordstart *ws = &e->wstart;
    memset(ws, 0, sizeof *ws);
    struct miair_ws_alt tmp[MIAIR_WS_ALTS];
    int n = 0;
    for (int id = 0; id < RX_COUNT; id++) {
        if (!((e->nonword_mask >> id) & 1)) continue;
        const miair_prefilter *pf = &e->pf[id];
        const miair_litalt *la = &pf->litalt;
        if (!pf->has_litalt || !la->lead_b) {
            for (unsigned b = 0; b < 128; b++)
                if (miair_byteset_has(&pf->first, b) && !(b - 'A' < 26u)) ws->keep_first[b] = 1;
            continue;
        }
        for (int k = 0; k < la->nalt; k++) {
            unsigned fw = 0;
            while (fw < la->len[k] && ascii_word_byte(la->c[k][fw])) fw++;
            if (fw == 0 || n == MIAIR_WS_ALTS) return; /* usable stays 0 */
            struct miair_ws_alt *a = &tmp[n++];
            a->len = (uint8_t)fw;
            a->exact = fw < la->len[k] || la->trail_b || la->suffix_len > 0;
            for (unsigned j = 0; j < fw; j++) {
                const unsigned b = la->c[k][j];
                a->c[j] = (uint8_t)(b - 'A' < 26u ? b + 32 : b);
            }
        }
    }
    for (unsigned c = 0; c < 128; c++) { /* grouped by first byte */
        ws->lo[c] = (uint8_t)ws->nalt;
        for (int k = 0; k < n; k++)
            if (tmp[k].c[0] == c) ws->alt[ws->nalt++] = tmp[k];
        ws->hi[c] = (uint8_t)ws->nalt;
    }
    ws->usable = 1;
}

int miair_wordstart_keeps(const struct miair_wordstart *ws, const uint8_t *key, size_t len) {
    const unsigned c = key[0];
    if (!ws->usable || c >= 0x80 || ws->keep_first[c]) return 1;
    for (unsigned k = ws->lo[c]; k < ws->hi[c]; k++) {
        const struct miair_ws_alt *a = &ws->alt[k];
        if ((a->exact ? len == a->len : len >= a->len) && !memcmp(key, a->c, a->len)) return 1;
    }
    return 0;
}

void miair_scan_prepare(miair_engine *e) {
    e->nruns = 0;
    for (int id = 0; id < RX_COUNT && e->nruns < MIAIR_BITMAP_RUNS; id++)
        if (e->rx[id].code && e->pf[id].usable && e->pf[id].run_shape) e->run_ids[e->nruns++] = id;
    build_bytesets(e, ~0u, &e->bsets);
    build_bytesets(e, ~0u << RX_RULE0, &e->bsets_rules);
    /* pair filters folded into one table: a regex without one passes every pair */
    for (unsigned b = 0; b < 128; b++) {
        uint32_t plain = 0, paired = 0;
        for (uint32_t m = e->first_mask[b]; m; m &= m - 1) {
            int id = __builtin_ctz(m);
            if (e->pf[id].has_pairs)
                paired |= 1u << id;
            else
                plain |= 1u << id;
        }
        for (unsigned c = 0; c < 128; c++) {
            uint32_t f = plain;
            for (uint32_t m = paired; m; m &= m - 1) {
                int id = __builtin_ctz(m);
                if ((e->pf[id].pairs[b][c >> 6] >> (c & 63)) & 1) f |= 1u << id;
            }
            e->pair_mask[b][c] = f;
        }
    }
    build_pairs(e, ~0u, &e->pairs);
    build_pairs(e, ~0u << RX_RULE0, &e->pairs_rules);
    build_wordstart(e);
}

miair_status miair_pattern_stage(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                 size_t *matches) {
    if (!e || !s || !matches || (!buf && len)) return MIAIR_ERR_INVALID;
    s->k = e->k;
    miair_text t;
    miair_status st = miair_text_prepare(s, buf, len, &t);
    if (st) return st;
    miair_doc_reset(s);
    s->rx_only = ~0u << RX_RULE0; /* the rule regexes only */
    s->count_only = 1;
    s->match_count = 0;
    const size_t window = e->window ? e->window : ((size_t)256 << 10);
    for (size_t wa = 0; wa < t.nb && !st;) {
        size_t wb = t.nb - wa > window ? wa + window : t.nb;
        while (wb < t.nb && (t.u8[wb] & 0xC0) == 0x80) wb--;
        if (wb == wa) wb = wa + 1;
        s->wa = wa;
        s->wb = wb;
        size_t blocks;
        if (!(st = miair_classify_window(s, &t, &blocks))) st = miair_window_scan(e, s, &t, NULL);
        s->cp_before += (wb - wa) - s->rank_ct[MIAIR_BLOCKS(wb - wa)];
        s->nl_before += s->rank_nl[MIAIR_BLOCKS(wb - wa)];
        wa = wb;
    }
    *matches = s->match_count;
    s->rx_only = ~0u;
    s->count_only = 0;
    return st;
}
