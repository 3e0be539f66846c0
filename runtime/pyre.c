/* Python `re` -> PCRE2 translation and re.finditer iteration. See pyre.h. */
#include "pyre.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Python's \w on str: str.isalnum() or '_'. For Unicode 14 (Python 3.11)
 * that is exactly categories L* and N* plus '_'; tests/test_pyre.c checks
 * this class against the generated tables for every code point. */
#define W_ITEMS "\\p{L}\\p{N}_"
#define W_CLASS "[" W_ITEMS "]"
#define NW_CLASS "[^" W_ITEMS "]"

/* Python's \s on str: str.isspace(). */
static const uint32_t space_ranges[][2] = {
    {0x09, 0x0D}, {0x1C, 0x20}, {0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};
#define N_SPACE_RANGES (sizeof space_ranges / sizeof space_ranges[0])
#define MAX_CP 0x10FFFFu

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        while (nc < b->len + n + 1) nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
static void sb_cp(sbuf *b, uint32_t c) {
    char tmp[16];
    snprintf(tmp, sizeof tmp, "\\x{%x}", (unsigned)c);
    sb_puts(b, tmp);
}
static void sb_range(sbuf *b, uint32_t lo, uint32_t hi) {
    sb_cp(b, lo);
    if (hi != lo) {
        sb_putn(b, "-", 1);
        sb_cp(b, hi);
    }
}
static void sb_space_items(sbuf *b, int negate) {
    if (!negate) {
        for (size_t i = 0; i < N_SPACE_RANGES; i++) sb_range(b, space_ranges[i][0], space_ranges[i][1]);
        return;
    }
    uint32_t next = 0;
    for (size_t i = 0; i < N_SPACE_RANGES; i++) {
        if (space_ranges[i][0] > next) sb_range(b, next, space_ranges[i][0] - 1);
        next = space_ranges[i][1] + 1;
    }
    sb_range(b, next, MAX_CP);
}

/* Python re IGNORECASE equivalents of an ASCII letter (besides its two cases). */
static const char *ascii_case_extra(int lower) {
    switch (lower) {
    case 'i': return "\\x{130}\\x{131}";
    case 'k': return "\\x{212a}";
    case 's': return "\\x{17f}";
    default: return "";
    }
}
static int is_ascii_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Class items for one literal code point, case-expanded when asked. */
static void sb_class_char(sbuf *b, uint32_t c, int icase) {
    if (icase && c < 128 && is_ascii_alpha((int)c)) {
        int lo = (int)(c | 0x20);
        sb_cp(b, (uint32_t)lo);
        sb_cp(b, (uint32_t)(lo & ~0x20));
        sb_puts(b, ascii_case_extra(lo));
    } else {
        sb_cp(b, c);
    }
}

/* Decodes one UTF-8 code point of the (valid) pattern. */
static uint32_t pat_cp(const unsigned char *s, size_t *i) {
    uint32_t c = s[*i];
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra) c &= (0x3Fu >> extra);
    (*i)++;
    while (extra-- > 0 && s[*i]) c = (c << 6) | (s[(*i)++] & 0x3Fu);
    return c;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Escapes that stand for one code point: \n \t \xHH \uHHHH ... Returns 1 and
 * sets *c, 0 if e is not such an escape, -1 on a malformed one. */
static int escape_cp(const unsigned char *s, size_t *i, uint32_t *c) {
    int e = s[*i];
    int ndig = 0;
    switch (e) {
    case 'n': *c = '\n'; (*i)++; return 1;
    case 't': *c = '\t'; (*i)++; return 1;
    case 'r': *c = '\r'; (*i)++; return 1;
    case 'f': *c = '\f'; (*i)++; return 1;
    case 'v': *c = '\v'; (*i)++; return 1;
    case 'a': *c = '\a'; (*i)++; return 1;
    case 'x': ndig = 2; break;
    case 'u': ndig = 4; break;
    case 'U': ndig = 8; break;
    default:
        if (e >= 0x80 || !((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) {
            *c = pat_cp(s, i); /* escaped punctuation or non-ASCII: the character itself */
            return 1;
        }
        return 0;
    }
    uint32_t v = 0;
    for (int k = 1; k <= ndig; k++) {
        int h = hexval(s[*i + (size_t)k]);
        if (h < 0) return -1;
        v = v * 16 + (uint32_t)h;
    }
    if (v > MAX_CP) return -1;
    *i += (size_t)ndig + 1;
    *c = v;
    return 1;
}

static char *fail(sbuf *b, char *err, size_t errlen, const char *msg, size_t at) {
    if (err && errlen) snprintf(err, errlen, "%s at offset %zu", msg, at);
    free(b->p);
    return NULL;
}

/* Parses a class starting after '['; *i ends after ']'. */
static int translate_class(sbuf *b, const unsigned char *s, size_t *i, int icase, const char **why) {
    size_t p = *i;
    int negate = 0, first = 1;
    if (s[p] == '^') {
        negate = 1;
        p++;
    }
    sb_puts(b, negate ? "[^" : "[");
    int items = 0;
    for (;;) {
        if (!s[p]) {
            *why = "unterminated character class";
            return -1;
        }
        if (s[p] == ']' && !first) {
            p++;
            break;
        }
        first = 0;
        uint32_t lo;
        if (s[p] == '\\') {
            p++;
            int e = s[p];
            if (e == 'w') { sb_puts(b, W_ITEMS); p++; items++; continue; }
            if (e == 's') { sb_space_items(b, 0); p++; items++; continue; }
            if (e == 'S') { sb_space_items(b, 1); p++; items++; continue; }
            if (e == 'd') { sb_puts(b, "\\p{Nd}"); p++; items++; continue; }
            if (e == 'D') { sb_puts(b, "\\P{Nd}"); p++; items++; continue; }
            int r = escape_cp(s, &p, &lo);
            if (r <= 0) {
                *why = "unsupported escape in character class";
                return -1;
            }
        } else {
            lo = pat_cp(s, &p);
        }
        uint32_t hi = lo;
        if (s[p] == '-' && s[p + 1] && s[p + 1] != ']') {
            p++;
            if (s[p] == '\\') {
                p++;
                if (escape_cp(s, &p, &hi) <= 0) {
                    *why = "unsupported range end in character class";
                    return -1;
                }
            } else {
                hi = pat_cp(s, &p);
            }
            if (hi < lo) {
                *why = "bad character range";
                return -1;
            }
        }
        if (icase && (lo >= 128 || hi >= 128) && lo != hi) {
            *why = "caseless non-ASCII range is not supported";
            return -1;
        }
        if (icase && hi != lo) {
            for (uint32_t c = lo; c <= hi; c++) sb_class_char(b, c, icase);
        } else if (hi != lo) {
            sb_range(b, lo, hi);
        } else if (icase && lo >= 128) {
            *why = "caseless non-ASCII character in a class is not supported";
            return -1;
        } else {
            sb_class_char(b, lo, icase);
        }
        items++;
    }
    (void)items;
    sb_puts(b, "]");
    *i = p;
    return 0;
}


/* ---- \b next to a known word character: a one-sided boundary ----
 * \b before an atom that must match a \w character is exactly "the previous
 * character is not \w"; after one, "the next character is not \w". The
 * translation uses these cheaper forms where the pattern text proves it. */

static int is_word_ascii(int c) { return (c >= '0' && c <= '9') || is_ascii_alpha(c) || c == '_'; }

/* Index just after the atom starting at i (a character, an escape, a class, a group). */
static size_t skip_atom(const unsigned char *s, size_t i) {
    if (s[i] == '\\') return s[i + 1] ? i + 2 : i + 1;
    if (s[i] == '[') {
        size_t j = i + 1;
        if (s[j] == '^') j++;
        if (s[j] == ']') j++;
        while (s[j] && s[j] != ']') j += s[j] == '\\' && s[j + 1] ? 2 : 1;
        return s[j] ? j + 1 : j;
    }
    if (s[i] == '(') {
        int depth = 0;
        size_t j = i;
        while (s[j]) {
            if (s[j] == '\\' && s[j + 1]) {
                j += 2;
                continue;
            }
            if (s[j] == '[') {
                j = skip_atom(s, j);
                continue;
            }
            if (s[j] == '(') depth++;
            if (s[j] == ')' && --depth == 0) return j + 1;
            j++;
        }
        return j;
    }
    if (s[i] >= 0x80) {
        size_t j = i + 1;
        while ((s[j] & 0xC0) == 0x80) j++;
        return j;
    }
    return s[i] ? i + 1 : i;
}

/* The atom ending at j may be skipped (a quantifier ?, *, {0 or {, follows). */
static int optional_after(const unsigned char *s, size_t j) {
    return s[j] == '?' || s[j] == '*' || (s[j] == '{' && (s[j + 1] == '0' || s[j + 1] == ','));
}

/* A class [...] whose members are all ASCII word characters (or \w, \d). */
static int class_is_word(const unsigned char *s, size_t i) {
    size_t j = i + 1;
    if (s[j] == '^') return 0;
    int any = 0;
    while (s[j] && !(s[j] == ']' && any)) {
        if (s[j] == '\\') {
            if (s[j + 1] != 'w' && s[j + 1] != 'd') return 0;
            j += 2;
        } else {
            if (!is_word_ascii(s[j]) && s[j] != '-') return 0;
            j++;
        }
        any = 1;
    }
    return any && s[j] == ']';
}

/* Every match of the pattern text from i on starts with a \w character. */
static int starts_with_word(const unsigned char *s, size_t i) {
    unsigned char c = s[i];
    size_t end = skip_atom(s, i);
    if (end == i || optional_after(s, end)) return 0;
    if (c < 0x80 && is_word_ascii(c)) return 1;
    if (c == '\\') return s[i + 1] == 'w' || s[i + 1] == 'd';
    if (c == '[') return class_is_word(s, i);
    if (c == '(') {
        size_t j = i + 1;
        if (s[j] == '?') {
            if (s[j + 1] == ':')
                j += 2;
            else if (s[j + 1] == 'P' && s[j + 2] == '<') {
                while (s[j] && s[j] != '>') j++;
                if (s[j]) j++;
            } else {
                return 0; /* a lookaround consumes nothing */
            }
        }
        for (;;) { /* every alternative */
            if (!starts_with_word(s, j)) return 0;
            while (s[j] && s[j] != '|' && s[j] != ')') j = skip_atom(s, j), j += 0;
            if (s[j] != '|') break;
            j++;
        }
        return 1;
    }
    return 0;
}

char *miair_pyre_translate(const char *py, unsigned flags, char *err, size_t errlen) {
    const unsigned char *s = (const unsigned char *)py;
    const int icase = (flags & MIAIR_PYRE_IGNORECASE) != 0;
    sbuf b = {0};
    size_t i = 0;
    /* prev_word: the text consumed so far certainly ends with a \w character; per open group:
     * lookaround or not, prev_word at its start, whether every alternative so far ended with \w */
    int prev_word = 0, depth = 0, after_quant = 0;
    struct {
        int look, start_word, all_word;
    } grp[64];
    while (s[i]) {
        unsigned char c = s[i];
        int quant = 0;
        if (c == '?' || c == '*' || c == '+' || c == '{') {
            /* a quantifier: an optional atom may leave an earlier character last; '?' after one is lazy */
            if (c == '?' && after_quant)
                ;
            else if (optional_after(s, i))
                prev_word = 0;
            quant = 1;
        }
        after_quant = quant;
        if (c == '\\') {
            size_t at = i;
            i++;
            int e = s[i];
            if (!e) return fail(&b, err, errlen, "trailing backslash", at);
            switch (e) {
            case 'b':
                if (starts_with_word(s, i + 1))
                    sb_puts(&b, "(?<!" W_CLASS ")");
                else if (prev_word)
                    sb_puts(&b, "(?!" W_CLASS ")");
                else
                    sb_puts(&b, "(?:(?<=" W_CLASS ")(?!" W_CLASS ")|(?<!" W_CLASS ")(?=" W_CLASS "))");
                i++;
                continue;
            case 'B': sb_puts(&b, "(?:(?<=" W_CLASS ")(?=" W_CLASS ")|(?<!" W_CLASS ")(?!" W_CLASS "))"); i++; continue;
            case 'w': sb_puts(&b, W_CLASS); i++; prev_word = 1; continue;
            case 'W': sb_puts(&b, NW_CLASS); i++; prev_word = 0; continue;
            case 's': sb_puts(&b, "["); sb_space_items(&b, 0); sb_puts(&b, "]"); i++; prev_word = 0; continue;
            case 'S': sb_puts(&b, "[^"); sb_space_items(&b, 0); sb_puts(&b, "]"); i++; prev_word = 0; continue;
            case 'd': sb_puts(&b, "\\p{Nd}"); i++; prev_word = 1; continue;
            case 'D': sb_puts(&b, "\\P{Nd}"); i++; prev_word = 0; continue;
            case 'A': sb_puts(&b, "\\A"); i++; continue;
            case 'Z': sb_puts(&b, "\\z"); i++; continue;
            default: break;
            }
            uint32_t cp;
            int r = escape_cp(s, &i, &cp);
            if (r <= 0) return fail(&b, err, errlen, "unsupported escape", at);
            prev_word = cp < 128 && is_word_ascii((int)cp);
            if (icase && cp < 128 && is_ascii_alpha((int)cp)) {
                sb_puts(&b, "[");
                sb_class_char(&b, cp, 1);
                sb_puts(&b, "]");
            } else if (icase && cp >= 128) {
                sb_puts(&b, "(?i:");
                sb_cp(&b, cp);
                sb_puts(&b, ")");
            } else {
                sb_cp(&b, cp);
            }
            continue;
        }
        if (c == '[') {
            const char *why = NULL;
            size_t at = i;
            prev_word = class_is_word(s, i);
            i++;
            if (translate_class(&b, s, &i, icase, &why) < 0) return fail(&b, err, errlen, why, at);
            continue;
        }
        if (c == '(') {
            if (depth >= 64) return fail(&b, err, errlen, "groups nested too deeply", i);
            int n2 = s[i + 1] == '?' ? s[i + 2] : 0;
            grp[depth].look = n2 == '=' || n2 == '!' || (n2 == '<' && (s[i + 3] == '=' || s[i + 3] == '!'));
            grp[depth].start_word = prev_word;
            grp[depth].all_word = 1;
            depth++;
        } else if (c == '|') {
            if (depth) {
                grp[depth - 1].all_word &= prev_word;
                prev_word = grp[depth - 1].start_word;
            } else {
                prev_word = 0;
            }
        } else if (c == ')' && depth) {
            depth--;
            if (grp[depth].look)
                prev_word = grp[depth].start_word; /* a lookaround consumes nothing */
            else
                prev_word = grp[depth].all_word & prev_word;
        } else if (c == '.') {
            prev_word = 0;
        } else if (c < 128 && c != '^' && c != '$' && !quant) {
            prev_word = is_word_ascii(c);
        } else if (c >= 0x80) {
            prev_word = 0;
        }
        if (c == '(' && s[i + 1] == '?') {
            /* (?:  (?=  (?!  (?<=  (?<!  pass through; (?P<name> -> (?<name> */
            int n = s[i + 2];
            if (n == ':' || n == '=' || n == '!') {
                sb_putn(&b, (const char *)s + i, 3);
                i += 3;
                continue;
            }
            if (n == '<' && (s[i + 3] == '=' || s[i + 3] == '!')) {
                sb_putn(&b, (const char *)s + i, 4);
                i += 4;
                continue;
            }
            if (n == 'P' && s[i + 3] == '<') {
                sb_puts(&b, "(?<");
                i += 4;
                continue;
            }
            return fail(&b, err, errlen, "unsupported group syntax", i);
        }
        if (c == '{' && s[i + 1] == ',') {
            /* Python's {,n} is {0,n}; PCRE2 before 10.43 reads it as literal text */
            size_t j = i + 2;
            while (s[j] >= '0' && s[j] <= '9') j++;
            if (j > i + 2 && s[j] == '}') {
                sb_puts(&b, "{0");
                sb_putn(&b, (const char *)s + i + 1, j - i);
                i = j + 1;
                continue;
            }
        }
        if (c < 128) {
            if (icase && is_ascii_alpha(c)) {
                sb_puts(&b, "[");
                sb_class_char(&b, c, 1);
                sb_puts(&b, "]");
            } else {
                /* metacharacters mean the same in both dialects here: . ^ $ | ( ) * + ? { } */
                sb_putn(&b, (const char *)s + i, 1);
            }
            i++;
            continue;
        }
        uint32_t cp = pat_cp(s, &i);
        if (icase) sb_puts(&b, "(?i:");
        sb_cp(&b, cp);
        if (icase) sb_puts(&b, ")");
    }
    if (b.oom) return fail(&b, err, errlen, "out of memory", i);
    if (!b.p) sb_puts(&b, "");
    if (b.oom) return fail(&b, err, errlen, "out of memory", i);
    return b.p;
}

int miair_pyre_compile(miair_pyre *re, const char *py, unsigned flags, char *err, size_t errlen) {
    memset(re, 0, sizeof *re);
    char *pat = miair_pyre_translate(py, flags, err, errlen);
    if (!pat) return -1;
    pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
    if (!cctx) {
        free(pat);
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return -1;
    }
    pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
    uint32_t opts = PCRE2_UTF | PCRE2_NO_UTF_CHECK;
    if (flags & MIAIR_PYRE_MULTILINE) opts |= PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX; /* Python: ^ also after a final \n */
    int ec = 0;
    PCRE2_SIZE eo = 0;
    re->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, cctx);
    if (re->code) {
        /* no start-up optimizations for anchored tries: the "required character" pre-scan would search
         * up to thousands of bytes ahead at every try ("is is is ..." against ...\s+\w+ed: quadratic) */
        re->anchored = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts | PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE,
                                     &ec, &eo, cctx);
        if (!re->anchored) {
            pcre2_code_free(re->code);
            re->code = NULL;
        }
    }
    pcre2_compile_context_free(cctx);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        if (err && errlen) snprintf(err, errlen, "PCRE2: %s at offset %zu of translated pattern", (char *)msg, (size_t)eo);
        free(pat);
        return -1;
    }
    free(pat);
    /* both fall back to the interpreter when JIT is unavailable */
    if (!(flags & MIAIR_PYRE_ANCHORED_JIT_ONLY)) (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    re->anchored_jit = pcre2_jit_compile(re->anchored, PCRE2_JIT_COMPLETE) == 0;
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->capture_count);
    return 0;
}

void miair_pyre_release(miair_pyre *re) {
    if (!re) return;
    if (re->code) pcre2_code_free(re->code);
    if (re->anchored) pcre2_code_free(re->anchored);
    re->code = re->anchored = NULL;
}

#define PYRE_MAX_GROUPS 16
#define PYRE_JIT_STACK_MIN (32 * 1024)
#define PYRE_JIT_STACK_MAX (8 * 1024 * 1024)

int miair_pyre_scratch_init(miair_pyre_scratch *s) {
    memset(s, 0, sizeof *s);
    s->md = pcre2_match_data_create(PYRE_MAX_GROUPS, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit_stack = pcre2_jit_stack_create(PYRE_JIT_STACK_MIN, PYRE_JIT_STACK_MAX, NULL);
    if (!s->md || !s->mctx || !s->jit_stack) {
        miair_pyre_scratch_release(s);
        return -1;
    }
    pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    return 0;
}

void miair_pyre_scratch_release(miair_pyre_scratch *s) {
    if (!s) return;
    if (s->md) pcre2_match_data_free(s->md);
    if (s->mctx) pcre2_match_context_free(s->mctx);
    if (s->jit_stack) pcre2_jit_stack_free(s->jit_stack);
    memset(s, 0, sizeof *s);
}

void miair_pyre_iter_init(miair_pyre_iter *it, const miair_pyre *re, miair_pyre_scratch *s,
                          const uint8_t *subject, size_t len) {
    it->re = re;
    it->s = s;
    it->subject = subject;
    it->len = len;
    it->pos = 0;
    it->must_advance = 0;
}

int miair_pyre_next(miair_pyre_iter *it, const size_t **ov) {
    if (it->pos > it->len) return 0;
    uint32_t opts = PCRE2_NO_UTF_CHECK;
    if (it->must_advance) opts |= PCRE2_NOTEMPTY_ATSTART;
    int rc = pcre2_match(it->re->code, it->subject, it->len, it->pos, opts, it->s->md, it->s->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) {
        it->pos = it->len + 1;
        return 0;
    }
    if (rc < 0) return -1;
    PCRE2_SIZE *v = pcre2_get_ovector_pointer(it->s->md);
    it->must_advance = v[1] == v[0];
    it->pos = v[1];
    *ov = v;
    return 1;
}

long miair_pyre_count(const miair_pyre *re, miair_pyre_scratch *s, const uint8_t *subject, size_t len) {
    miair_pyre_iter it;
    miair_pyre_iter_init(&it, re, s, subject, len);
    const size_t *ov;
    long n = 0;
    int r;
    while ((r = miair_pyre_next(&it, &ov)) > 0) n++;
    return r < 0 ? -1 : n;
}

int miair_pyre_match_at(const miair_pyre *re, miair_pyre_scratch *s, const uint8_t *subject, size_t len, size_t pos,
                        const size_t **ov) {
    int rc = re->anchored_jit ? pcre2_jit_match(re->anchored, subject, len, pos, 0, s->md, s->mctx)
                              : pcre2_match(re->anchored, subject, len, pos, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) return -1;
    *ov = pcre2_get_ovector_pointer(s->md);
    return 1;
}
