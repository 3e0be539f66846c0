/* The public API of one analysis: engine, result, accessors (include/miair.h). */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "internal.h"
#include "numfmt.h"

const char *miair_version(void) { return MIAIR_VERSION_STRING; }

const char *miair_status_message(miair_status s) {
    switch (s) {
    case MIAIR_OK: return "success";
    case MIAIR_ERR_INVALID: return "invalid argument";
    case MIAIR_ERR_NOMEM: return "out of memory";
    case MIAIR_ERR_REGEX: return "pattern rule failed (regex compile error or match resource limit)";
    case MIAIR_ERR_IO: return "input/output error";
    case MIAIR_ERR_TOO_BIG: return "input too large";
    case MIAIR_ERR_ISA: return "requested instruction set not available on this CPU";
    }
    return "unknown status";
}

void miair_config_init(miair_config *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < 4; i++) cfg->weights[i] = 0.25;
    cfg->outputs = MIAIR_OUTPUT_ALL;
}

/* The regexes behind the quality metrics (SPEC §1, §3) and two custom rules (§4). */
static const struct {
    const char *py;
    unsigned flags;
} quality_patterns[RX_QUALITY_COUNT_] = {
    [RX_HEADERS] = {"^#{1,6}\\s+.+", MIAIR_PYRE_MULTILINE},
    [RX_CODE_BLOCKS] = {"```[\\s\\S]*?```", 0},
    [RX_LINKS] = {"\\[([^\\]]+)\\]\\(([^)]+)\\)", 0},
    [RX_TODO] = {"\\b(TODO|FIXME|XXX|HACK)\\b", MIAIR_PYRE_IGNORECASE},
    [RX_PLACEHOLDER] = {"\\[(placeholder|tbd|to be determined)\\]", MIAIR_PYRE_IGNORECASE},
    [RX_CODE_LANG] = {"```(\\w+)", 0},
    [RX_BULLETS] = {"^\\s*[-*+]\\s+", MIAIR_PYRE_MULTILINE},
    [RX_VERSION] = {"\\b(v?\\d+\\.\\d+(?:\\.\\d+)?)\\b", MIAIR_PYRE_IGNORECASE},
    [RX_YEARS] = {"\\b(202[0-9]|201[5-9])\\b", 0},
    [RX_WARN] = {"\\b(deprecated|warning|note|important)\\b", MIAIR_PYRE_IGNORECASE},
    [RX_BROKEN_LINKS] = {"\\[([^\\]]+)\\]\\(\\s*\\)", 0},
    [RX_SECTIONS] = {"^#{1,3}\\s+", MIAIR_PYRE_MULTILINE},
    [RX_HEADER_TITLES] = {"^(#{1,6})\\s+(.+)$", MIAIR_PYRE_MULTILINE},
    [RX_SPACES] = {"  +", 0},
};

int miair_engine_compile_rules(miair_engine *e, char *err, size_t errlen) {
    for (int id = 0; id < RX_COUNT; id++) {
        const char *py;
        unsigned fl;
        if (id < RX_RULE0) {
            py = quality_patterns[id].py;
            fl = quality_patterns[id].flags;
        } else {
            const miair_rule *ru = &miair_rules[id - RX_RULE0];
            if (!ru->regex) continue;
            py = ru->regex;
            fl = MIAIR_PYRE_MULTILINE | (ru->caseless ? MIAIR_PYRE_IGNORECASE : 0);
        }
        miair_prefilter_analyze(&e->pf[id], py, fl);
        e->fence[id] = (uint8_t)miair_fence_shape(py);
        /* prefiltered regexes are only ever tried anchored: their search code need not be JIT-compiled */
        unsigned jit = e->pf[id].usable ? MIAIR_PYRE_ANCHORED_JIT_ONLY : 0;
        if (miair_pyre_compile(&e->rx[id], py, fl | jit, err, errlen)) return -1;
        if (e->pf[id].usable && !e->pf[id].run_shape) {
            for (unsigned b = 0; b < 256; b++)
                if (miair_byteset_has(&e->pf[id].first, b)) e->first_mask[b] |= 1u << id;
            if (e->pf[id].nonword_before) e->nonword_mask |= 1u << id;
            if (e->pf[id].line_start) e->line_start_mask |= 1u << id;
        }
    }
    miair_scan_prepare(e);
    return 0;
}

miair_status miair_engine_create(const miair_config *cfg, miair_engine **out) {
    if (!out) return MIAIR_ERR_INVALID;
    *out = NULL;
    miair_config def;
    if (!cfg) {
        miair_config_init(&def);
        cfg = &def;
    }
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
        if (!(cfg->weights[i] >= 0.0) || !isfinite(cfg->weights[i])) return MIAIR_ERR_INVALID;
        sum += cfg->weights[i];
    }
    if (!(sum > 0.0)) return MIAIR_ERR_INVALID;
    const struct miair_kernels *k = miair_kernels_get();
    if (!k) return MIAIR_ERR_ISA;
    miair_engine *e = calloc(1, sizeof *e);
    if (!e) return MIAIR_ERR_NOMEM;
    static uint64_t serials; /* 0 is no engine's */
    e->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
    e->k = k;
    e->cfg = *cfg;
    if (cfg->window_bytes) {
        miair_engine_set_window(e, cfg->window_bytes);
    } else { /* MIAIR_WINDOW_BYTES: tests force small windows through the CLI */
        const char *w = getenv("MIAIR_WINDOW_BYTES");
        if (w && *w) miair_engine_set_window(e, (size_t)strtoull(w, NULL, 10));
    }
    for (int i = 0; i < 4; i++) e->weights[i] = fabs(sum - 1.0) > 0.001 ? cfg->weights[i] / sum : cfg->weights[i];
    char err[256];
    if (miair_engine_compile_rules(e, err, sizeof err)) {
        miair_engine_free(e);
        return MIAIR_ERR_REGEX;
    }
    *out = e;
    return MIAIR_OK;
}

void miair_engine_free(miair_engine *e) {
    if (!e) return;
    for (int i = 0; i < RX_COUNT; i++) miair_pyre_release(&e->rx[i]);
    free(e);
}

/* ---- result storage ---- */

size_t miair_result_add_string(miair_result *r, const char *s, size_t n) {
    size_t off = r->arena.len;
    if (miair_buf_append(&r->arena, s, n) || miair_buf_append(&r->arena, "", 1)) return (size_t)-1;
    return off;
}

int miair_result_list_push(miair_result *r, miair_list l, const char *s) {
    miair_strlist *L = &r->lists[l];
    if (L->n == L->cap) {
        size_t nc = L->cap ? 2 * L->cap : 8;
        struct miair_strref *np = realloc(L->s, nc * sizeof *np);
        if (!np) return -1;
        L->s = np;
        L->cap = nc;
    }
    const size_t len = strlen(s), off = miair_result_add_string(r, s, len);
    if (off == (size_t)-1) return -1;
    L->s[L->n++] = (struct miair_strref){off, len};
    return 0;
}

void miair_cat_bounded(char *dst, size_t cap, size_t *n, const char *src) {
    size_t room = cap - 1 - *n, len = strnlen(src, room);
    memcpy(dst + *n, src, len);
    *n += len;
    dst[*n] = '\0';
}

int miair_result_list_pushf(miair_result *r, miair_list l, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return miair_result_list_push(r, l, tmp);
}

int miair_result_list_push_num(miair_result *r, miair_list l, const char *pre, uint64_t v, const char *post) {
    char tmp[512], num[24];
    size_t n = 0;
    miair_cat_bounded(tmp, sizeof tmp, &n, pre);
    miair_fmt_u64(num, v);
    miair_cat_bounded(tmp, sizeof tmp, &n, num);
    miair_cat_bounded(tmp, sizeof tmp, &n, post);
    return miair_result_list_push(r, l, tmp);
}

int miair_result_add_occ(miair_result *r, int rule, const char *text, size_t text_len, size_t start, size_t end,
                         size_t line) {
    miair_occvec *o = &r->occ[rule];
    if (o->n == o->cap) {
        size_t nc = o->cap ? 2 * o->cap : 16;
        miair_occ *np = realloc(o->v, nc * sizeof *np);
        if (!np) return -1;
        o->v = np;
        o->cap = nc;
    }
    size_t off = miair_result_add_string(r, text, text_len);
    if (off == (size_t)-1) return -1;
    o->v[o->n++] = (miair_occ){off, text_len, start, end, line};
    return 0;
}

void miair_result_free(miair_result *r) {
    if (!r) return;
    for (int l = 0; l < MIAIR_LIST_COUNT_; l++) free(r->lists[l].s);
    for (int i = 0; i < MIAIR_RULES; i++) free(r->occ[i].v);
    miair_buf_release(&r->arena);
    free(r);
}

/* ---- SPEC §5 ---- */

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }

miair_status miair_finish(miair_result *r) {
    double *v = r->num;
    double sev = 0.0;
    size_t nocc = 0;
    for (size_t i = 0; i < r->npat; i++) {
        sev += miair_rules[r->pat_rule[i]].severity;
        nocc += r->occ[r->pat_rule[i]].n;
    }
    if (r->npat) sev /= (double)r->npat;
    double q = clamp01((0.85 - v[MIAIR_QUALITY_OVERALL]) / 0.85);
    double ed = fabs(v[MIAIR_INFORMATION_DENSITY] - 0.6) * 2.0;
    double ev = ed < 1.0 ? ed : 1.0;
    v[MIAIR_IMPROVEMENT_POTENTIAL] = clamp01(0.5 * q + 0.3 * sev + 0.2 * ev);
    v[MIAIR_PATTERN_COUNT] = (double)r->npat;
    v[MIAIR_OCCURRENCE_COUNT] = (double)nocc;

    const miair_strlist *sg = &r->lists[MIAIR_LIST_SUGGESTIONS];
    size_t nrec = 0;
#define REC(str)                                                                                        \
    do {                                                                                                \
        if (nrec < 5) {                                                                                 \
            if (miair_result_list_push(r, MIAIR_LIST_RECOMMENDATIONS, (str))) return MIAIR_ERR_NOMEM; \
            nrec++;                                                                                     \
        }                                                                                               \
    } while (0)
    for (size_t i = 0; i < sg->n && i < 3; i++) {
        char tmp[256]; /* copied: pushing may move the arena */
        size_t n = 0;
        miair_cat_bounded(tmp, sizeof tmp, &n, r->arena.p + sg->s[i].off);
        REC(tmp);
    }
    size_t taken = 0;
    for (size_t i = 0; i < r->npat && taken < 2; i++) {
        const miair_rule *ru = &miair_rules[r->pat_rule[i]];
        if (ru->priority > 2) continue;
        char tmp[256];
        size_t n = 0;
        miair_cat_bounded(tmp, sizeof tmp, &n, ru->action);
        miair_cat_bounded(tmp, sizeof tmp, &n, " (");
        miair_cat_bounded(tmp, sizeof tmp, &n, ru->name);
        miair_cat_bounded(tmp, sizeof tmp, &n, ")");
        REC(tmp);
        taken++;
    }
    if (v[MIAIR_REDUNDANCY] > 0.7)
        REC("Reduce redundancy by consolidating repetitive content");
    else if (v[MIAIR_REDUNDANCY] < 0.2)
        REC("Add more structure and patterns for better readability");
    if (v[MIAIR_VOCABULARY_RICHNESS] < 0.3) REC("Enrich vocabulary to improve content diversity");
#undef REC
    return MIAIR_OK;
}

#define PREVIEW_CHARS 200
#define MIAIR_DEFAULT_WINDOW ((size_t)256 << 10)

void miair_engine_set_window(miair_engine *e, size_t bytes) { e->window = bytes < 64 ? 64 : bytes; }

/* Where the window from wa ends (at most wb, a character boundary). The window passes take a fast
 * path for all-ASCII windows; a document with a few non-ASCII characters is cut so that long ASCII
 * stretches get windows of their own: an ASCII window ends at the first non-ASCII byte when it is at
 * least ASCII_SPLIT bytes away; a window that starts with non-ASCII text ends where a run of
 * ASCII_SPLIT ASCII bytes (64-byte blocks from wa) starts. Results do not depend on the windows. */
#define ASCII_SPLIT 4096
static size_t plan_window(const miair_scratch *s, const miair_text *t, size_t wa, size_t wb) {
    const uint8_t *u = t->u8;
    const size_t f = wa + s->k->ascii_prefix_len(u + wa, wb - wa);
    if (f == wb) return wb;
    if (f - wa >= ASCII_SPLIT) return f; /* f holds a lead byte: a character boundary */
    size_t run_start = 0, run = 0;
    for (size_t p = wa + (f - wa) / 64 * 64; p + 64 <= wb; p += 64) {
        uint64_t x = 0, w;
        for (int k = 0; k < 8; k++) memcpy(&w, u + p + 8 * k, 8), x |= w;
        if (x & 0x8080808080808080ull) {
            run = 0;
            continue;
        }
        if (!run) run_start = p; /* an ASCII byte: a character boundary */
        run += 64;
        if (run >= ASCII_SPLIT) return run_start;
    }
    return wb;
}

static miair_status analyze_text(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r) {
    miair_status st;
    miair_doc_reset(s);
    miair_lexicon_prepare(s, e);
    r->empty = t->nb == 0;
    /* content_preview: the first 200 code points (+ "...") */
    size_t pb = 0, pc = 0;
    while (pb < t->nb && pc < PREVIEW_CHARS) {
        pb++;
        while (pb < t->nb && (t->u8[pb] & 0xC0) == 0x80) pb++;
        pc++;
    }
    int more = pb < t->nb;
    r->preview_off = r->arena.len;
    if (miair_buf_append(&r->arena, t->u8, pb) || (more && miair_buf_append(&r->arena, "...", 3)) ||
        miair_buf_append(&r->arena, "", 1))
        return MIAIR_ERR_NOMEM;
    r->preview_len = r->arena.len - 1 - r->preview_off;

    const size_t window = e->window ? e->window : MIAIR_DEFAULT_WINDOW;
    for (size_t wa = 0; wa < t->nb;) {
        size_t wb = t->nb - wa > window ? wa + window : t->nb;
        while (wb < t->nb && (t->u8[wb] & 0xC0) == 0x80) wb--; /* a window ends at a character boundary */
        if (wb == wa) wb = wa + 1;
        wb = plan_window(s, t, wa, wb);
        s->wa = wa;
        s->wb = wb;
        if ((st = miair_window_text(e, s, t))) return st;
        if ((st = miair_window_scan(e, s, t, r))) return st;
        const size_t blocks = MIAIR_BLOCKS(wb - wa);
        s->cp_before += (wb - wa) - s->rank_ct[blocks];
        s->nl_before += s->rank_nl[blocks];
        if (s->drop && wa >= 4096) s->drop(s->drop_ctx, 0, wa - 4096);
        wa = wb;
    }
    s->n_cp = s->cp_before;
    s->n_nl = s->nl_before;
    if (!r->empty) {
        if ((st = miair_scan_finish(e, s, t, r))) return st;
        if ((st = miair_patterns_finish(e, s, t, r))) return st;
    }
    if ((st = miair_entropy_finish(s, r))) return st;
    if ((st = miair_quality_finish(e, s, r))) return st;
    return miair_finish(r);
}

void miair_result_reset(miair_result *r) {
    miair_strlist lists[MIAIR_LIST_COUNT_];
    miair_occvec occ[MIAIR_RULES];
    miair_buf arena = r->arena;
    memcpy(lists, r->lists, sizeof lists);
    memcpy(occ, r->occ, sizeof occ);
    memset(r, 0, sizeof *r);
    for (int l = 0; l < MIAIR_LIST_COUNT_; l++) r->lists[l] = (miair_strlist){lists[l].s, 0, lists[l].cap};
    for (int i = 0; i < MIAIR_RULES; i++) r->occ[i] = (miair_occvec){occ[i].v, 0, occ[i].cap};
    r->arena = (miair_buf){arena.p, 0, arena.cap};
}

/* The analysis of t into *io (reset) or a new result; see miair_analyze_reuse. */
static miair_status analyze_into(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result **io) {
    miair_result *r = *io;
    *io = NULL;
    if (r)
        miair_result_reset(r);
    else if (!(r = calloc(1, sizeof *r)))
        return MIAIR_ERR_NOMEM;
    s->k = e->k;
    r->outputs = e->cfg.outputs ? e->cfg.outputs & MIAIR_OUTPUT_ALL : MIAIR_OUTPUT_ALL;
    miair_status st = analyze_text(e, s, t, r);
    if (st) {
        miair_result_free(r);
        return st;
    }
    *io = r;
    return MIAIR_OK;
}

miair_status miair_analyze_text(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result **out) {
    if (!e || !s || !t || !out) return MIAIR_ERR_INVALID;
    *out = NULL;
    return analyze_into(e, s, t, out);
}

miair_status miair_analyze_reuse(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                 miair_result **io) {
    if (!e || !s || !io || (!buf && len)) return MIAIR_ERR_INVALID;
    s->k = e->k;
    miair_text t;
    miair_status st = miair_text_prepare(s, buf, len, &t);
    if (st) {
        miair_result_free(*io);
        *io = NULL;
        return st;
    }
    return analyze_into(e, s, &t, io);
}

miair_status miair_analyze_scratch(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                   miair_result **out) {
    if (!out) return MIAIR_ERR_INVALID;
    *out = NULL;
    return miair_analyze_reuse(e, s, buf, len, out);
}

/* miair_analyze() keeps one scratch per thread (made at the thread's first call, freed when the
 * thread exits), so that analyzing documents one by one does not build the scratch's tables and
 * buffers each time. A scratch serves any engine: everything in it is reset per document. After a
 * document of more than THREAD_SCRATCH_KEEP bytes the scratch is released (what it grew to is
 * not kept for the thread's lifetime). */
#define THREAD_SCRATCH_KEEP ((size_t)4 << 20)
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_destroy(void *p) {
    miair_scratch_release(p);
    free(p);
}
static void scratch_key_make(void) { scratch_key_ok = pthread_key_create(&scratch_key, scratch_destroy) == 0; }

miair_status miair_analyze(const miair_engine *e, const void *buf, size_t len, miair_result **out) {
    pthread_once(&scratch_once, scratch_key_make);
    int kept = scratch_key_ok; /* the scratch is the thread's (else one for this call) */
    miair_scratch *s = kept ? pthread_getspecific(scratch_key) : NULL;
    if (!s) {
        if (!(s = malloc(sizeof *s))) return MIAIR_ERR_NOMEM;
        if (miair_scratch_init(s)) {
            free(s);
            return MIAIR_ERR_NOMEM;
        }
        if (kept && pthread_setspecific(scratch_key, s)) kept = 0;
    }
    miair_status st = miair_analyze_scratch(e, s, buf, len, out);
    if (!kept || len > THREAD_SCRATCH_KEEP) {
        if (kept) pthread_setspecific(scratch_key, NULL);
        scratch_destroy(s);
    }
    return st;
}

/* ---- accessors ---- */

double miair_result_number(const miair_result *r, miair_field f) {
    if (!r || (unsigned)f >= MIAIR_FIELD_COUNT_) return NAN;
    return r->num[f];
}

int miair_result_is_empty(const miair_result *r) { return r ? r->empty : 0; }

size_t miair_result_list_size(const miair_result *r, miair_list l) {
    if (!r || (unsigned)l >= MIAIR_LIST_COUNT_) return 0;
    return r->lists[l].n;
}

const char *miair_result_list_item(const miair_result *r, miair_list l, size_t i) {
    if (!r || (unsigned)l >= MIAIR_LIST_COUNT_ || i >= r->lists[l].n) return NULL;
    return r->arena.p + r->lists[l].s[i].off;
}

miair_status miair_result_pattern(const miair_result *r, size_t i, miair_pattern *out) {
    if (!r || !out || i >= r->npat) return MIAIR_ERR_INVALID;
    const miair_rule *ru = &miair_rules[r->pat_rule[i]];
    out->type = ru->type;
    out->name = ru->name;
    out->description = ru->description;
    out->action = ru->action;
    out->severity = ru->severity;
    out->priority = ru->priority;
    out->occurrence_count = r->occ[r->pat_rule[i]].n;
    return MIAIR_OK;
}

miair_status miair_result_occurrence(const miair_result *r, size_t i, size_t j, miair_occurrence *out) {
    if (!r || !out || i >= r->npat || j >= r->occ[r->pat_rule[i]].n) return MIAIR_ERR_INVALID;
    const miair_occ *o = &r->occ[r->pat_rule[i]].v[j];
    out->text = r->arena.p + o->text_off;
    out->text_bytes = o->text_len;
    out->start = o->start;
    out->end = o->end;
    out->line = o->line;
    return MIAIR_OK;
}

void miair_free(void *p) { free(p); }
