/* Quality metrics, quality issues and suggestions (SPEC §3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "unicode.h"

enum { DIM_COMPLETENESS, DIM_CLARITY, DIM_CONSISTENCY, DIM_ACCURACY };

static double dmin(double a, double b) { return a < b ? a : b; }
static double dmax(double a, double b) { return a > b ? a : b; }

static void sub(miair_result *r, int dim, double v) { r->sub[dim][r->nsub[dim]++] = v; }

static int ends_with(const uint8_t *s, size_t n, const char *suf) {
    size_t m = strlen(suf);
    return n >= m && !memcmp(s + n - m, suf, m);
}
static int starts_with(const uint8_t *s, size_t n, const char *pre) {
    size_t m = strlen(pre);
    return n >= m && !memcmp(s, pre, m);
}

/* One match of a quality regex (SPEC §3, and the inputs of two custom rules of §4). */
long *miair_quality_counter(miair_scratch *s, int id) {
    miair_quality_acc *c = &s->q;
    switch (id) {
    case RX_TODO: return &c->todo;
    case RX_PLACEHOLDER: return &c->placeholder;
    case RX_CODE_LANG: return &c->code_lang;
    case RX_VERSION: return &c->versions;
    case RX_WARN: return &c->warn;
    case RX_BROKEN_LINKS: return &c->broken;
    case RX_SPACES: return &c->spaces;
    default: return NULL;
    }
}

miair_status miair_on_quality_match(miair_scratch *s, const miair_text *t, int id, const size_t *ov, size_t start_cp) {
    miair_quality_acc *c = &s->q;
    const uint8_t *u = t->u8;
    switch (id) {
    case RX_HEADERS: {
        c->headers++;
        size_t level = 0;
        while (ov[0] + level < ov[1] && u[ov[0] + level] == '#') level++;
        if (c->prev_level >= 0 && (int)level - c->prev_level > 1) c->jumps++;
        c->prev_level = (int)level;
        size_t a = ov[0], b = ov[1]; /* h.strip('#').strip().split() */
        while (a < b && u[a] == '#') a++;
        while (b > a && u[b - 1] == '#') b--;
        c->header_words_sum += (double)miair_utf8_tokens(u, a, b);
        break;
    }
    case RX_CODE_BLOCKS: {
        long n[6] = {0};
        for (size_t i = ov[0]; i < ov[1]; i++) {
            switch (u[i]) {
            case '(': n[0]++; break;
            case ')': n[1]++; break;
            case '[': n[2]++; break;
            case ']': n[3]++; break;
            case '{': n[4]++; break;
            case '}': n[5]++; break;
            default: break;
            }
        }
        c->code_blocks++;
        c->bracket_sum += (double)((n[0] == n[1]) + (n[2] == n[3]) + (n[4] == n[5])) / 3.0;
        break;
    }
    case RX_LINKS: {
        const uint8_t *url = u + ov[4];
        size_t n = ov[5] - ov[4];
        int good = starts_with(url, n, "http://") || starts_with(url, n, "https://") || starts_with(url, n, "/") ||
                   starts_with(url, n, "#") || starts_with(url, n, "./") || ends_with(url, n, ".md") ||
                   ends_with(url, n, ".html") || ends_with(url, n, ".pdf");
        c->links++;
        c->link_sum += good ? 1.0 : 0.5;
        break;
    }
    case RX_BULLETS:
        c->bullets++;
        for (size_t i = ov[0]; i < ov[1]; i++) {
            int k = u[i] == '-' ? 0 : u[i] == '*' ? 1 : u[i] == '+' ? 2 : -1;
            if (k >= 0) {
                c->bullet_char[k]++;
                break;
            }
        }
        break;
    case RX_YEARS: {
        int y = 0;
        for (size_t i = ov[0]; i < ov[1]; i++) y = y * 10 + (u[i] - '0');
        c->years++;
        c->recent_years += y >= 2023;
        break;
    }
    case RX_SECTIONS: { /* re.split(r'^#{1,3}\s+', text, flags=re.M): lengths of the pieces after the first */
        if (c->sections) {
            double len = (double)(start_cp - c->section_piece_start);
            if (miair_buf_append(&s->section_lens, &len, sizeof len)) return MIAIR_ERR_NOMEM;
        }
        c->sections++;
        c->section_piece_start = start_cp + miair_utf8_count(u, ov[0], ov[1]);
        break;
    }
    case RX_HEADER_TITLES: { /* inconsistent_headers: titles whose first character is uppercase */
        size_t i = ov[4];
        if (i == ov[5] || !miair_uc_isupper(miair_utf8_next(u, &i))) break;
        size_t words = 0, upper = 0;
        int in = 0;
        for (i = ov[4]; i < ov[5];) {
            uint32_t ch = miair_utf8_next(u, &i);
            int sp = miair_uc_isspace(ch);
            if (!sp && !in) {
                words++;
                upper += miair_uc_isupper(ch);
            }
            in = !sp;
        }
        double ratio = (double)upper / (double)words;
        if (miair_buf_append(&s->header_ratios, &ratio, sizeof ratio)) return MIAIR_ERR_NOMEM;
        break;
    }
    default: {
        long *n = miair_quality_counter(s, id);
        if (n) ++*n;
        break;
    }
    }
    return MIAIR_OK;
}

static const char *const suggestion_lines[4][3] = {
    {"Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
     "Remove TODO markers and placeholder content"},
    {"Simplify complex sentences for better readability", "Use active voice instead of passive voice",
     "Organize content into clear paragraphs (3-5 sentences each)"},
    {"Standardize terminology throughout the document", "Use consistent formatting for code blocks and lists",
     "Ensure header levels follow logical progression"},
    {"Add version information and update dates", "Verify and fix any broken links",
     "Include warnings for deprecated features"},
};

static miair_status suggestions(miair_result *r) {
    const double *v = r->num;
    const double dims[4] = {v[MIAIR_QUALITY_COMPLETENESS], v[MIAIR_QUALITY_CLARITY], v[MIAIR_QUALITY_CONSISTENCY],
                            v[MIAIR_QUALITY_ACCURACY]};
    const double overall = v[MIAIR_QUALITY_OVERALL];
    if (overall < 0.5 &&
        miair_result_list_push(r, MIAIR_LIST_SUGGESTIONS,
                               "Major revision recommended - document needs significant improvement"))
        return MIAIR_ERR_NOMEM;
    for (int d = 0; d < 4; d++)
        if (dims[d] < 0.7)
            for (int j = 0; j < 3; j++)
                if (miair_result_list_push(r, MIAIR_LIST_SUGGESTIONS, suggestion_lines[d][j])) return MIAIR_ERR_NOMEM;
    if (overall >= 0.85 &&
        miair_result_list_push(r, MIAIR_LIST_SUGGESTIONS,
                               "Document quality is excellent! Minor refinements may still be possible"))
        return MIAIR_ERR_NOMEM;
    return MIAIR_OK;
}

static void finish_dims(const miair_engine *e, miair_result *r) {
    double *v = r->num;
    for (int d = 0; d < 4; d++) v[MIAIR_QUALITY_COMPLETENESS + d] = miair_mean(r->sub[d], (size_t)r->nsub[d]);
    const double *w = e->weights;
    v[MIAIR_QUALITY_OVERALL] = w[0] * v[MIAIR_QUALITY_COMPLETENESS] + w[1] * v[MIAIR_QUALITY_CLARITY] +
                               w[2] * v[MIAIR_QUALITY_CONSISTENCY] + w[3] * v[MIAIR_QUALITY_ACCURACY];
    v[MIAIR_PASSES_GATE] = v[MIAIR_QUALITY_OVERALL] >= 0.85;
}

miair_status miair_quality_finish(const miair_engine *e, miair_scratch *s, miair_result *r) {
    if (r->empty) {
        finish_dims(e, r);
        r->num[MIAIR_QUALITY_OVERALL] = 0.0; /* SPEC §3: empty text scores 0 on all five */
        r->num[MIAIR_PASSES_GATE] = 0;
        if (miair_result_list_push(r, MIAIR_LIST_ISSUES_COMPLETENESS, "Document is empty")) return MIAIR_ERR_NOMEM;
        return suggestions(r);
    }
    const miair_quality_acc c = s->q;
    const miair_stats_state *tf = &s->st;
    const long passive = (long)r->occ[3].n, complex = (long)r->occ[4].n; /* rules 4 and 5 */
    const size_t ntok = tf->ws_tokens;
    const double ntok_d = (double)ntok, ntok1 = (double)(ntok ? ntok : 1);

    /* completeness */
    sub(r, DIM_COMPLETENESS, dmin((double)c.headers / 5.0, 1.0));
    sub(r, DIM_COMPLETENESS, dmin((double)c.code_blocks / 3.0, 1.0));
    sub(r, DIM_COMPLETENESS, dmin((double)c.links / 2.0, 1.0));
    sub(r, DIM_COMPLETENESS, dmax(0.0, 1.0 - 0.1 * (double)(c.todo + c.placeholder)));
    sub(r, DIM_COMPLETENESS, dmin(ntok_d / 500.0, 1.0));
    int found = 0;
    for (int i = 0; i < 4; i++) found += miair_needle_found(s, i); /* introduction usage example reference */
    sub(r, DIM_COMPLETENESS, (double)found / 4.0);

    /* clarity */
    const size_t nsent = tf->sentences;
    if (nsent) {
        double mean = (double)tf->sentence_tokens / (double)nsent;
        sub(r, DIM_CLARITY, dmax(0.0, 1.0 - fabs(mean - 17.5) / 20.0));
        sub(r, DIM_CLARITY, dmax(0.0, 1.0 - (double)(2 * complex) / (double)nsent));
    }
    sub(r, DIM_CLARITY, dmax(0.0, 1.0 - (double)(20 * passive) / ntok1));
    if (tf->paragraphs) sub(r, DIM_CLARITY, tf->paragraph_sum / (double)tf->paragraphs);
    if (c.headers) sub(r, DIM_CLARITY, dmin(c.header_words_sum / (double)c.headers / 3.0, 1.0));

    /* consistency */
    {
        uint64_t setup = miair_word_count(s, "setup"), email = miair_word_count(s, "email"),
                 database = miair_word_count(s, "database"), db = miair_word_count(s, "db"),
                 api = miair_word_count(s, "api");
        const uint64_t groups[4][3] = {{setup, 0, 0}, {email, 0, email}, {database, db, db}, {api, api, api}};
        double gsum = 0.0;
        int ng = 0;
        for (int g = 0; g < 4; g++) {
            uint64_t sum = groups[g][0] + groups[g][1] + groups[g][2];
            if (!sum) continue;
            uint64_t mx = groups[g][0];
            if (groups[g][1] > mx) mx = groups[g][1];
            if (groups[g][2] > mx) mx = groups[g][2];
            gsum += (double)mx / (double)sum;
            ng++;
        }
        if (ng) sub(r, DIM_CONSISTENCY, gsum / (double)ng);
    }
    if (c.code_blocks && c.code_lang) sub(r, DIM_CONSISTENCY, (double)c.code_lang / (double)c.code_blocks);
    if (c.headers) sub(r, DIM_CONSISTENCY, dmax(0.0, 1.0 - 0.1 * (double)c.jumps));
    if (c.bullets) {
        long mx = c.bullet_char[0];
        if (c.bullet_char[1] > mx) mx = c.bullet_char[1];
        if (c.bullet_char[2] > mx) mx = c.bullet_char[2];
        sub(r, DIM_CONSISTENCY, (double)mx / (double)c.bullets);
    }
    sub(r, DIM_CONSISTENCY, dmax(0.0, 1.0 - (double)c.spaces / 100.0));

    /* accuracy */
    sub(r, DIM_ACCURACY, dmin((double)c.versions / 2.0, 1.0));
    if (c.years) sub(r, DIM_ACCURACY, (double)c.recent_years / (double)c.years);
    if (c.code_blocks) sub(r, DIM_ACCURACY, c.bracket_sum / (double)c.code_blocks);
    if (c.links) sub(r, DIM_ACCURACY, c.link_sum / (double)c.links);
    sub(r, DIM_ACCURACY, 0.5 + 0.5 * dmin((double)c.warn / 3.0, 1.0));
    if (e->cfg.has_last_updated) sub(r, DIM_ACCURACY, 0.9);

    finish_dims(e, r);

    /* quality issues */
    const miair_list L_COMPLETE = MIAIR_LIST_ISSUES_COMPLETENESS, L_CLEAR = MIAIR_LIST_ISSUES_CLARITY;
    if (c.todo && miair_result_list_push_num(r, L_COMPLETE, "Found ", (uint64_t)c.todo, " TODO/FIXME markers"))
        return MIAIR_ERR_NOMEM;
    if (c.placeholder &&
        miair_result_list_push_num(r, L_COMPLETE, "Found ", (uint64_t)c.placeholder, " placeholder sections"))
        return MIAIR_ERR_NOMEM;
    if (ntok < 200 &&
        miair_result_list_push_num(r, L_COMPLETE, "Document too short (", ntok, " words)"))
        return MIAIR_ERR_NOMEM;
    if (complex &&
        miair_result_list_push_num(r, L_CLEAR, "Found ", (uint64_t)complex, " overly complex sentences"))
        return MIAIR_ERR_NOMEM;
    double ratio = (double)passive / ntok1;
    if (ratio > 0.1 &&
        miair_result_list_pushf(r, MIAIR_LIST_ISSUES_CLARITY, "High passive voice usage (%.1f%%)", ratio * 100.0))
        return MIAIR_ERR_NOMEM;
    if (c.spaces > 5 &&
        miair_result_list_push_num(r, MIAIR_LIST_ISSUES_CONSISTENCY, "Inconsistent spacing (", (uint64_t)c.spaces,
                                   " instances)"))
        return MIAIR_ERR_NOMEM;
    if (c.broken &&
        miair_result_list_push_num(r, MIAIR_LIST_ISSUES_ACCURACY, "Found ", (uint64_t)c.broken,
                                   " potentially broken links"))
        return MIAIR_ERR_NOMEM;
    return suggestions(r);
}
