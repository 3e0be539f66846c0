/* One pass over a document for all regexes: candidates from the prefilters,
 * confirmation by PCRE2 anchored at each candidate. A regex's matches are
 * leftmost and non-overlapping, as re.finditer returns them: every match
 * starts at a candidate (the prefilter conditions are necessary ones), the
 * first candidate at or after the end of the previous match where the
 * anchored regex matches is the leftmost next match. */
#include <string.h>

#include "internal.h"
#include "kernels.h"

static size_t stride_of(const miair_engine *e, int id) { return 2 * (1 + (size_t)e->rx[id].capture_count); }

const size_t *miair_matches(const miair_engine *e, const miair_scratch *s, int id, size_t *count, size_t *stride) {
    *stride = stride_of(e, id);
    *count = s->matches[id].len / (*stride * sizeof(size_t));
    return (const size_t *)s->matches[id].p;
}

size_t miair_line_of(const miair_scratch *s, size_t b) {
    const size_t *nl = (const size_t *)s->newlines.p;
    size_t lo = 0, hi = s->newlines.len / sizeof(size_t);
    while (lo < hi) { /* number of newlines at offsets < b */
        size_t mid = lo + (hi - lo) / 2;
        if (nl[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

static int keep(miair_scratch *s, int id, const size_t *ov, size_t stride) {
    return miair_buf_append(&s->matches[id], ov, stride * sizeof(size_t));
}

/* Every match by plain search (patterns the prefilter cannot describe). */
static miair_status scan_all(const miair_engine *e, miair_scratch *s, const miair_text *t, int id) {
    miair_pyre_iter it;
    const size_t *ov;
    int rc;
    size_t stride = stride_of(e, id);
    miair_pyre_iter_init(&it, &e->rx[id], &s->rx, t->u8, t->nb);
    while ((rc = miair_pyre_next(&it, &ov)) > 0)
        if (keep(s, id, ov, stride)) return MIAIR_ERR_NOMEM;
    return rc < 0 ? MIAIR_ERR_REGEX : MIAIR_OK;
}

/* C{m,}D: a match starts at a run of C holding >= m characters and followed by D. */
static miair_status scan_runs(const miair_engine *e, miair_scratch *s, const miair_text *t, int id) {
    const miair_prefilter *pf = &e->pf[id];
    const uint8_t *u = t->u8;
    const size_t n = t->nb, stride = stride_of(e, id);
    size_t p = 0;
    while (p < n) {
        uint8_t b = u[p];
        int in = b < 0x80 ? miair_byteset_has(&pf->run_c, b) : pf->run_c_nonascii;
        if (!in) {
            p++;
            continue;
        }
        size_t a = p, chars = 0;
        while (p < n && (u[p] < 0x80 ? miair_byteset_has(&pf->run_c, u[p]) : pf->run_c_nonascii)) {
            chars += (u[p] & 0xC0) != 0x80;
            p++;
        }
        if (chars < pf->run_min || p >= n || u[p] >= 0x80 || !miair_byteset_has(&pf->run_d, u[p])) continue;
        const size_t *ov;
        int rc = miair_pyre_match_at(&e->rx[id], &s->rx, u, n, a, &ov);
        if (rc < 0) return MIAIR_ERR_REGEX;
        if (rc == 0) { /* not expected; search instead, which is right by definition */
            miair_pyre_iter it;
            miair_pyre_iter_init(&it, &e->rx[id], &s->rx, u, n);
            it.pos = a;
            rc = miair_pyre_next(&it, &ov);
            if (rc < 0) return MIAIR_ERR_REGEX;
            if (rc == 0) return MIAIR_OK;
        }
        if (keep(s, id, ov, stride)) return MIAIR_ERR_NOMEM;
        if (ov[1] > p) p = ov[1];
    }
    return MIAIR_OK;
}

/* Tries the prefiltered regexes at byte p (in increasing p). */
static inline miair_status try_at(const miair_engine *e, miair_scratch *s, const uint8_t *u, size_t n, size_t p,
                                  size_t *next) {
    const uint8_t b = u[p];
    uint32_t m = e->first_mask[b];
    if (b < 0x80 && p + 1 < n && u[p + 1] < 0x80) m &= e->pair_mask[b][u[p + 1]];
    if (p) {
        const uint8_t a = u[p - 1];
        if (a != '\n') m &= ~e->line_start_mask;
        if (b < 0x80 && a < 0x80 && (e->scan_sets[a] & SCAN_WORD)) m &= ~e->nonword_mask;
    }
    while (m) {
        int id = __builtin_ctz(m);
        m &= m - 1;
        if (p < next[id] || !miair_prefilter_may_start(&e->pf[id], u, n, p)) continue;
        const size_t *ov;
        int rc = miair_pyre_match_at(&e->rx[id], &s->rx, u, n, p, &ov);
        if (rc < 0) return MIAIR_ERR_REGEX;
        if (rc == 0) continue;
        if (keep(s, id, ov, stride_of(e, id))) return MIAIR_ERR_NOMEM;
        next[id] = ov[1];
    }
    return MIAIR_OK;
}

#define SCAN_CHUNK_BLOCKS 64

miair_status miair_scan(const miair_engine *e, miair_scratch *s, const miair_text *t) {
    const uint8_t *u = t->u8;
    const size_t n = t->nb;
    const struct miair_kernels *k = e->k;
    size_t nnl = k->count_byte(u, n, '\n');
    s->newlines.len = 0;
    if (miair_buf_reserve(&s->newlines, nnl * sizeof(uint64_t) + 1)) return MIAIR_ERR_NOMEM;
    k->byte_positions(u, n, '\n', 0, (uint64_t *)s->newlines.p);
    s->newlines.len = nnl * sizeof(uint64_t);
    miair_status st;
    for (int id = 0; id < RX_COUNT; id++) {
        s->matches[id].len = 0;
        if (!e->rx[id].code) continue;
        if (!e->pf[id].usable) {
            if ((st = scan_all(e, s, t, id))) return st;
        } else if (e->pf[id].run_shape) {
            if ((st = scan_runs(e, s, t, id))) return st;
        }
    }
    /* Candidates per 64-byte block, a superset of the positions where try_at
     * can find a regex to try: bytes of the "anywhere" first sets, word starts
     * with a first byte of a \b-led regex, line starts with a first byte of a
     * ^-led regex, UTF-8 lead bytes. */
    size_t next[RX_COUNT] = {0};
    uint64_t cls[MIAIR_CLS_COUNT * SCAN_CHUNK_BLOCKS];
    uint64_t wcarry = 0, ncarry = 1; /* text start counts as a line start */
    for (size_t base = 0; base < n; base += 64 * SCAN_CHUNK_BLOCKS) {
        size_t len = n - base < 64 * SCAN_CHUNK_BLOCKS ? n - base : 64 * SCAN_CHUNK_BLOCKS;
        size_t blocks = MIAIR_BLOCKS(len);
        k->classify(u + base, len, cls, SCAN_CHUNK_BLOCKS, 1);
        for (size_t bi = 0; bi < blocks; bi++) {
            const size_t pos0 = base + 64 * bi;
            const size_t valid = n - pos0 < 64 ? n - pos0 : 64;
            uint64_t A = 0, NWF = 0, LSF = 0;
            for (size_t i = 0; i < valid; i++) {
                uint8_t f = e->scan_sets[u[pos0 + i]];
                A |= (uint64_t)(f & SCAN_ANY) << i;
                NWF |= (uint64_t)((f & SCAN_NW) >> 1) << i;
                LSF |= (uint64_t)((f & SCAN_LS) >> 2) << i;
            }
            const uint64_t W = cls[MIAIR_CLS_WORD * SCAN_CHUNK_BLOCKS + bi];
            const uint64_t N = cls[MIAIR_CLS_NEWLINE * SCAN_CHUNK_BLOCKS + bi];
            const uint64_t NA = cls[MIAIR_CLS_NONASCII * SCAN_CHUNK_BLOCKS + bi];
            const uint64_t CT = cls[MIAIR_CLS_CONT * SCAN_CHUNK_BLOCKS + bi];
            uint64_t C = A | (NWF & ~((W << 1) | wcarry)) | (LSF & ((N << 1) | ncarry)) | (NA & ~CT);
            wcarry = W >> 63;
            ncarry = N >> 63;
            while (C) {
                size_t p = pos0 + (size_t)__builtin_ctzll(C);
                C &= C - 1;
                if ((st = try_at(e, s, u, n, p, next))) return st;
            }
        }
    }
    return MIAIR_OK;
}

void miair_scan_prepare(miair_engine *e) {
    for (unsigned b = 0; b < 256; b++) {
        uint8_t f = 0;
        if ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_') f |= SCAN_WORD;
        for (int id = 0; id < RX_COUNT; id++) {
            if (!((e->first_mask[b] >> id) & 1) || b >= 0x80) continue;
            if (e->pf[id].line_start)
                f |= SCAN_LS;
            else if (e->pf[id].nonword_before)
                f |= SCAN_NW;
            else
                f |= SCAN_ANY;
        }
        e->scan_sets[b] = f;
    }
    /* pair filters folded into one table: a regex without one passes every pair */
    for (unsigned b = 0; b < 128; b++)
        for (unsigned c = 0; c < 128; c++) {
            uint32_t m = 0;
            for (int id = 0; id < RX_COUNT; id++) {
                const miair_prefilter *pf = &e->pf[id];
                if (!((e->first_mask[b] >> id) & 1)) continue;
                if (!pf->has_pairs || ((pf->pairs[b][c >> 6] >> (c & 63)) & 1)) m |= 1u << id;
            }
            e->pair_mask[b][c] = m;
        }
}
