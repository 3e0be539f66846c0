/* The JSON record of docs/record.md. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"
#include "numfmt.h"
#include "unicode.h"

/* this thread's memo of printed doubles */
static __thread miair_num_memo num_memo[MIAIR_NUM_MEMO];

typedef struct {
    miair_buf b;
    int oom;
    miair_num_memo *memo; /* num_memo, or NULL */
} jw;

static inline void put(jw *w, const char *s, size_t n) {
    if (w->b.len + n <= w->b.cap) { /* the common case, inlined (n is often a constant) */
        memcpy(w->b.p + w->b.len, s, n);
        w->b.len += n;
    } else if (!w->oom && miair_buf_append(&w->b, s, n)) {
        w->oom = 1;
    }
}
static void puts_(jw *w, const char *s) { put(w, s, strlen(s)); }

/* A JSON string from valid UTF-8 (n bytes, may hold NUL). */
/* The first byte at or after i that JSON must escape (< 0x20, '"', '\\'), or n. */
static inline size_t clean_until(const char *s, size_t i, size_t n) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
    for (; i + 16 <= n; i += 16) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                       _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)); /* x <= 0x1F */
        const unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return i + (unsigned)__builtin_ctz(bits);
    }
#endif
    /* eight bytes at a time while none needs escaping (SWAR: < 0x20, '"', '\\') */
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        uint64_t q = x ^ 0x2222222222222222ull, b = x ^ 0x5C5C5C5C5C5C5C5Cull;
        if (((x - 0x2020202020202020ull) | (q - ones) | (b - ones)) & ~x & high) break;
    }
    for (; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') return i;
    }
    return n;
}

static void jstr(jw *w, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    size_t run = 0;
    for (size_t i = clean_until(s, 0, n); i < n; i = clean_until(s, i + 1, n)) {
        const unsigned char c = (unsigned char)s[i];
        put(w, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': put(w, "\\\"", 2); break;
        case '\\': put(w, "\\\\", 2); break;
        case '\n': put(w, "\\n", 2); break;
        case '\r': put(w, "\\r", 2); break;
        case '\t': put(w, "\\t", 2); break;
        case '\b': put(w, "\\b", 2); break;
        case '\f': put(w, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, u, 6);
        }
        }
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}
static void jcstr(jw *w, const char *s) { jstr(w, s, strlen(s)); }

/* Room for a number written straight into the output (a double's "%.17g" and ".0", or an integer,
 * with the NUL the printers add); NULL when out of memory. */
#define NUM_ROOM 48
static char *num_room(jw *w) {
    if (w->b.len + NUM_ROOM > w->b.cap && (w->oom || miair_buf_reserve(&w->b, NUM_ROOM))) {
        w->oom = 1;
        return NULL;
    }
    return w->b.p + w->b.len;
}

/* A double printed with 17 significant digits (it reads back as the same
 * double); always with a '.' or exponent (it stays a float). */
static void jnum(jw *w, double x) {
    char *out = num_room(w);
    if (out) w->b.len += miair_fmt_json_double(w->memo, out, x);
}
static void jint(jw *w, size_t v) {
    char *out = num_room(w);
    if (out) w->b.len += miair_fmt_u64(out, v);
}
/* "k": for a literal key, with the quotes and the colon written as one constant */
#define KEY(w, k) put((w), "\"" k "\":", sizeof("\"" k "\":") - 1)
static void key(jw *w, const char *k) {
    jcstr(w, k);
    put(w, ":", 1);
}

static void strlist(jw *w, const miair_result *r, miair_list l) {
    put(w, "[", 1);
    for (size_t i = 0; i < r->lists[l].n; i++) {
        if (i) put(w, ",", 1);
        jstr(w, r->arena.p + r->lists[l].s[i].off, r->lists[l].s[i].len);
    }
    put(w, "]", 1);
}

static void entropy_stats(jw *w, const miair_result *r) {
    const double *v = r->num;
    KEY(w, "entropy_stats");
    put(w, "{", 1);
    KEY(w, "entropy");
    put(w, "{", 1);
    KEY(w, "character"), jnum(w, v[MIAIR_ENTROPY_CHARACTER]), put(w, ",", 1);
    KEY(w, "word"), jnum(w, v[MIAIR_ENTROPY_WORD]), put(w, ",", 1);
    KEY(w, "sentence"), jnum(w, v[MIAIR_ENTROPY_SENTENCE]);
    if (!r->empty) put(w, ",", 1), KEY(w, "aggregate"), jnum(w, v[MIAIR_ENTROPY_AGGREGATE]);
    put(w, "},", 2);
    KEY(w, "redundancy"), jnum(w, v[MIAIR_REDUNDANCY]), put(w, ",", 1);
    KEY(w, "information_density"), jnum(w, v[MIAIR_INFORMATION_DENSITY]), put(w, ",", 1);
    KEY(w, "vocabulary_richness"), jnum(w, v[MIAIR_VOCABULARY_RICHNESS]), put(w, ",", 1);
    KEY(w, "structural_complexity"), jnum(w, v[MIAIR_STRUCTURAL_COMPLEXITY]);
    if (!r->empty) {
        put(w, ",", 1), KEY(w, "text_length"), jint(w, (size_t)v[MIAIR_TEXT_LENGTH]);
        put(w, ",", 1), KEY(w, "word_count"), jint(w, (size_t)v[MIAIR_WORD_COUNT]);
        put(w, ",", 1), KEY(w, "unique_words"), jint(w, (size_t)v[MIAIR_UNIQUE_WORDS]);
        put(w, ",", 1), KEY(w, "average_word_length"), jnum(w, v[MIAIR_AVERAGE_WORD_LENGTH]);
    }
    put(w, "}", 1);
}

static const char *const dim_names[4] = {"completeness", "clarity", "consistency", "accuracy"};

static void quality(jw *w, const miair_result *r) {
    const double *v = r->num;
    KEY(w, "quality_metrics");
    put(w, "{", 1);
    KEY(w, "completeness"), jnum(w, v[MIAIR_QUALITY_COMPLETENESS]), put(w, ",", 1);
    KEY(w, "clarity"), jnum(w, v[MIAIR_QUALITY_CLARITY]), put(w, ",", 1);
    KEY(w, "consistency"), jnum(w, v[MIAIR_QUALITY_CONSISTENCY]), put(w, ",", 1);
    KEY(w, "accuracy"), jnum(w, v[MIAIR_QUALITY_ACCURACY]), put(w, ",", 1);
    KEY(w, "overall"), jnum(w, v[MIAIR_QUALITY_OVERALL]), put(w, ",", 1);
    KEY(w, "passes_gate"), puts_(w, v[MIAIR_PASSES_GATE] != 0.0 ? "true" : "false"), put(w, ",", 1);
    KEY(w, "sub_scores");
    put(w, "{", 1);
    static const char *const dim_keys[4] = {"\"completeness\":[", "\"clarity\":[", "\"consistency\":[",
                                            "\"accuracy\":["};
    for (int d = 0; d < 4; d++) {
        if (d) put(w, ",", 1);
        puts_(w, dim_keys[d]);
        for (int i = 0; i < r->nsub[d]; i++) {
            if (i) put(w, ",", 1);
            jnum(w, r->sub[d][i]);
        }
        put(w, "]", 1);
    }
    put(w, "},", 2);
    KEY(w, "suggestions"), strlist(w, r, MIAIR_LIST_SUGGESTIONS);
    put(w, "}", 1);
}

static void rule_fields(jw *w, const miair_rule *ru) {
    KEY(w, "type"), jcstr(w, ru->type), put(w, ",", 1);
    KEY(w, "name"), jcstr(w, ru->name), put(w, ",", 1);
    KEY(w, "severity"), jnum(w, ru->severity), put(w, ",", 1);
    KEY(w, "priority"), jint(w, (size_t)ru->priority), put(w, ",", 1);
    KEY(w, "description"), jcstr(w, ru->description), put(w, ",", 1);
    KEY(w, "action"), jcstr(w, ru->action);
}

static void map_fields(jw *w, const miair_rule *ru) {
    KEY(w, "pattern"), jcstr(w, ru->name), put(w, ",", 1);
    KEY(w, "action"), jcstr(w, ru->action), put(w, ",", 1);
    KEY(w, "severity"), jnum(w, ru->severity), put(w, ",", 1);
}
static void type_key(jw *w, const miair_rule *ru) { key(w, ru->type); }

/* The constant parts of a rule's JSON, written once per process (the rules never change, so
 * their JSON text does not either): a pattern's object from "type" to "action" (without braces),
 * an improvement-map entry from "pattern" to "severity" (with the comma after it), the rule's type
 * as a key. Length 0: written field by field. */
enum { RULE_HEAD, RULE_MAP, RULE_TYPE_KEY, RULE_PARTS };
static char rule_part[RULE_PARTS][MIAIR_RULES][512];
static size_t rule_part_len[RULE_PARTS][MIAIR_RULES];
static pthread_once_t rule_part_once = PTHREAD_ONCE_INIT;

static void (*const rule_part_fill[RULE_PARTS])(jw *, const miair_rule *) = {rule_fields, map_fields, type_key};

static void rule_parts_init(void) {
    for (int p = 0; p < RULE_PARTS; p++)
        for (int k = 0; k < MIAIR_RULES; k++) {
            jw w = {0};
            rule_part_fill[p](&w, &miair_rules[k]);
            if (!w.oom && w.b.len < sizeof rule_part[p][k]) {
                memcpy(rule_part[p][k], w.b.p, w.b.len);
                rule_part_len[p][k] = w.b.len;
            }
            miair_buf_release(&w.b);
        }
}

/* Part p of rule k's JSON (see rule_parts_init). */
static void rule_part_put(jw *w, int p, int k) {
    if (rule_part_len[p][k])
        put(w, rule_part[p][k], rule_part_len[p][k]);
    else
        rule_part_fill[p](w, &miair_rules[k]);
}

static void summary(jw *w, const miair_result *r) {
    KEY(w, "patterns_summary");
    if (r->empty) {
        put(w, "{}", 2);
        return;
    }
    size_t high = 0;
    double sev = 0.0;
    int type_rule[MIAIR_RULES]; /* the first rule of each type in order (its type key is pre-rendered) */
    size_t counts[MIAIR_RULES], nt = 0;
    for (size_t i = 0; i < r->npat; i++) {
        const miair_rule *ru = &miair_rules[r->pat_rule[i]];
        high += ru->priority <= 2;
        sev += ru->severity;
        size_t j = 0;
        while (j < nt && strcmp(miair_rules[type_rule[j]].type, ru->type)) j++;
        if (j == nt) type_rule[nt] = r->pat_rule[i], counts[nt++] = 0;
        counts[j]++;
    }
    put(w, "{", 1);
    KEY(w, "total_patterns"), jint(w, r->npat), put(w, ",", 1);
    KEY(w, "high_priority"), jint(w, high), put(w, ",", 1);
    KEY(w, "by_type");
    put(w, "{", 1);
    for (size_t j = 0; j < nt; j++) {
        if (j) put(w, ",", 1);
        rule_part_put(w, RULE_TYPE_KEY, type_rule[j]), jint(w, counts[j]);
    }
    put(w, "},", 2);
    KEY(w, "overall_severity");
    if (r->npat == 0) {
        puts_(w, "0}");
        return;
    }
    jnum(w, sev / (double)r->npat);
    put(w, ",", 1), KEY(w, "document_length"), jint(w, (size_t)r->num[MIAIR_TEXT_LENGTH]);
    put(w, ",", 1), KEY(w, "pattern_density"), jnum(w, (double)r->npat / r->num[MIAIR_TEXT_LENGTH] * 1000.0);
    put(w, "}", 1);
}

static void patterns(jw *w, const miair_result *r, int occurrences) {
    KEY(w, "patterns");
    put(w, "[", 1);
    for (size_t i = 0; i < r->npat; i++) {
        if (i) put(w, ",", 1);
        put(w, "{", 1);
        rule_part_put(w, RULE_HEAD, r->pat_rule[i]);
        if (!occurrences) { /* outputs without MIAIR_OUTPUT_OCCURRENCES: their count only */
            put(w, ",", 1), KEY(w, "occurrence_count"), jint(w, r->occ[r->pat_rule[i]].n), put(w, "}", 1);
            continue;
        }
        put(w, ",", 1), KEY(w, "occurrences");
        put(w, "[", 1);
        const miair_occvec *ov = &r->occ[r->pat_rule[i]];
        for (size_t j = 0; j < ov->n; j++) {
            const miair_occ *o = &ov->v[j];
            if (j) put(w, ",", 1);
            put(w, "{", 1);
            KEY(w, "text"), jstr(w, r->arena.p + o->text_off, o->text_len), put(w, ",", 1);
            KEY(w, "start"), jint(w, o->start), put(w, ",", 1);
            KEY(w, "end"), jint(w, o->end), put(w, ",", 1);
            KEY(w, "line"), jint(w, o->line);
            put(w, "}", 1);
        }
        put(w, "]}", 2);
    }
    put(w, "]", 1);
}

static void improvement_map(jw *w, const miair_result *r) {
    KEY(w, "improvement_map");
    put(w, "{", 1);
    int first_group = 1;
    for (int prio = 1; prio <= 5; prio++) {
        int first = 1;
        for (size_t i = 0; i < r->npat; i++) {
            const miair_rule *ru = &miair_rules[r->pat_rule[i]];
            if (ru->priority != prio) continue;
            if (first) {
                char k[] = "priority_0"; /* prio is 1..5 */
                k[sizeof k - 2] = (char)('0' + prio);
                if (!first_group) put(w, ",", 1);
                key(w, k);
                put(w, "[", 1);
                first_group = 0;
            } else {
                put(w, ",", 1);
            }
            first = 0;
            put(w, "{", 1);
            rule_part_put(w, RULE_MAP, r->pat_rule[i]);
            KEY(w, "occurrences"), jint(w, r->occ[r->pat_rule[i]].n);
            put(w, "}", 1);
        }
        if (!first) put(w, "]", 1);
    }
    put(w, "}", 1);
}

/* document_id may be any bytes: invalid UTF-8 becomes U+FFFD. */
static void doc_id(jw *w, const char *id, size_t n) {
    size_t i = 0;
    while (i < n && (unsigned char)id[i] < 0x80) i++;
    if (i == n) { /* ASCII: as it is */
        jstr(w, id, n);
        return;
    }
    uint32_t *cp = malloc((n + 1) * sizeof *cp);
    uint8_t *u8 = malloc(4 * n + 1);
    if (!cp || !u8) {
        free(cp);
        free(u8);
        w->oom = 1;
        return;
    }
    size_t ncp = miair_utf8_decode((const uint8_t *)id, n, cp);
    size_t nb = miair_utf8_encode(cp, ncp, u8);
    jstr(w, (const char *)u8, nb);
    free(cp);
    free(u8);
}

static miair_status done(jw *w, char **out, size_t *out_len) {
    put(w, "", 1); /* NUL terminator, not counted */
    if (w->oom) {
        miair_buf_release(&w->b);
        return MIAIR_ERR_NOMEM;
    }
    *out = w->b.p;
    *out_len = w->b.len - 1;
    return MIAIR_OK;
}

/* The record of r into w (its buffer reserved for it). */
static void render(jw *w, const miair_result *r, const char *document_id, size_t id_len) {
    const unsigned o = r->outputs ? r->outputs : MIAIR_OUTPUT_ALL;
    put(w, "{", 1);
    KEY(w, "document_id"), doc_id(w, document_id ? document_id : "", id_len);
    if (o & MIAIR_OUTPUT_PREVIEW)
        put(w, ",", 1), KEY(w, "content_preview"), jstr(w, r->arena.p + r->preview_off, r->preview_len);
    if (o & MIAIR_OUTPUT_ENTROPY) put(w, ",", 1), entropy_stats(w, r);
    if (o & MIAIR_OUTPUT_QUALITY) put(w, ",", 1), quality(w, r);
    if (o & MIAIR_OUTPUT_PATTERNS) put(w, ",", 1), summary(w, r);
    if (o & MIAIR_OUTPUT_RECOMMENDATIONS) {
        put(w, ",", 1), KEY(w, "improvement_potential"), jnum(w, r->num[MIAIR_IMPROVEMENT_POTENTIAL]);
        put(w, ",", 1), KEY(w, "recommendations"), strlist(w, r, MIAIR_LIST_RECOMMENDATIONS);
    }
    if (o & MIAIR_OUTPUT_PATTERNS) {
        put(w, ",", 1), patterns(w, r, (o & MIAIR_OUTPUT_OCCURRENCES) != 0), put(w, ",", 1);
        if (r->empty)
            KEY(w, "improvement_map"), put(w, "{}", 2);
        else
            improvement_map(w, r);
        put(w, ",", 1), KEY(w, "insights"), strlist(w, r, MIAIR_LIST_INSIGHTS);
    }
    if (o & MIAIR_OUTPUT_QUALITY) {
        put(w, ",", 1), KEY(w, "quality_issues");
        put(w, "{", 1);
        for (int d = 0; d < 4; d++) {
            if (d) put(w, ",", 1);
            key(w, dim_names[d]), strlist(w, r, (miair_list)(MIAIR_LIST_ISSUES_COMPLETENESS + d));
        }
        put(w, "}", 1);
    }
    put(w, "}", 1);
}

miair_status miair_result_to_json_buf(const miair_result *r, const char *document_id, size_t id_len, miair_buf *b) {
    if (!r || !b || (!document_id && id_len)) return MIAIR_ERR_INVALID;
    pthread_once(&rule_part_once, rule_parts_init);
    jw w = {*b, 0, num_memo};
    w.b.len = 0;
    if (miair_buf_reserve(&w.b, 4096 + r->arena.len)) {
        miair_buf_release(&w.b);
        *b = w.b;
        return MIAIR_ERR_NOMEM;
    }
    render(&w, r, document_id, id_len);
    char *p;
    size_t n;
    miair_status st = done(&w, &p, &n);
    *b = st ? (miair_buf){0} : (miair_buf){p, n, w.b.cap};
    return st;
}

miair_status miair_result_to_json(const miair_result *r, const char *document_id, size_t id_len, char **out,
                                  size_t *out_len) {
    if (!r || !out || !out_len || (!document_id && id_len)) return MIAIR_ERR_INVALID;
    miair_buf b = {0};
    miair_status st = miair_result_to_json_buf(r, document_id, id_len, &b);
    if (st) return st;
    *out = b.p;
    *out_len = b.len;
    return MIAIR_OK;
}

miair_status miair_error_to_json(const char *document_id, size_t id_len, const char *error, char **out,
                                 size_t *out_len) {
    if (!out || !out_len || !error || (!document_id && id_len)) return MIAIR_ERR_INVALID;
    jw w = {0};
    put(&w, "{", 1);
    KEY(&w, "document_id"), doc_id(&w, document_id ? document_id : "", id_len), put(&w, ",", 1);
    KEY(&w, "error"), doc_id(&w, error, strlen(error));
    put(&w, "}", 1);
    return done(&w, out, out_len);
}
