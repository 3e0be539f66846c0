/* One pass over a document for all regexes: candidates from the prefilters,
 * confirmation by PCRE2 anchored at each candidate. A regex's matches are
 * leftmost and non-overlapping, as re.finditer returns them: every match
 * starts at a candidate (the prefilter conditions are necessary ones), the
 * first candidate at or after the end of the previous match where the
 * anchored regex matches is the leftmost next match. */
#include <string.h>

#include "internal.h"

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

miair_status miair_scan(const miair_engine *e, miair_scratch *s, const miair_text *t) {
    const uint8_t *u = t->u8;
    const size_t n = t->nb;
    s->newlines.len = 0;
    for (const uint8_t *q = u; (q = memchr(q, '\n', (size_t)(u + n - q))) != NULL; q++) {
        size_t off = (size_t)(q - u);
        if (miair_buf_append(&s->newlines, &off, sizeof off)) return MIAIR_ERR_NOMEM;
    }
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
    size_t next[RX_COUNT] = {0};
    static const uint8_t ascii_word[128] = {
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
        ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
        ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
        ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
        ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
        ['x'] = 1, ['y'] = 1, ['z'] = 1};
    const uint32_t not_nonword = ~e->nonword_mask, not_line_start = ~e->line_start_mask;
    for (size_t p = 0; p < n; p++) {
        const uint8_t b = u[p];
        uint32_t m = e->first_mask[b];
        if (!m) continue;
        if (p) {
            const uint8_t a = u[p - 1];
            if (a != '\n') m &= not_line_start;
            if (b < 0x80 && a < 0x80 && ascii_word[a]) m &= not_nonword;
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
    }
    return MIAIR_OK;
}
