/* Start conditions of a Python regex, computed from its text. See prefilter.h. */
#include "prefilter.h"

#include <string.h>

#include "pyre.h"

enum { NA_NONE = 0, NA_SOME = 1, NA_ALL = 2 }; /* which non-ASCII characters a set holds */

typedef struct {
    miair_byteset ascii; /* ASCII members (bits 0..127) */
    int nonascii;
    /* first bytes of the non-ASCII members, when known exactly (only case variants of ASCII letters:
     * U+0130/U+0131 -> C4, U+017F -> C5, U+212A -> E2); otherwise any byte >= 0x80 */
    miair_byteset leads;
    int leads_known;
} cset;

typedef struct {
    miair_byteset first;
    int nullable;
    int zero_width;
    int single;   /* matches exactly one character (before its quantifier) */
    cset chars;   /* when single */
    int literal;  /* single and a plain literal character */
    unsigned qmin;
    int qmax_inf, quantified, lazy;
    /* a group of plain-literal alternatives: their first two characters */
    int lit_alts;
    unsigned char alt2[64][2];
    miair_litprefix alt_lit[MIAIR_PF_MAX_LITS];
    int nalt;
} atom;

typedef struct {
    const unsigned char *s;
    size_t i;
    int icase;
    int bad;
} parser;

static void set_range(miair_byteset *s, unsigned lo, unsigned hi) {
    for (unsigned b = lo; b <= hi; b++) miair_byteset_add(s, b);
}
static int is_alpha(unsigned c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_wordb(unsigned c) { return (c >= '0' && c <= '9') || is_alpha(c) || c == '_'; }

static void cset_add_char(cset *c, unsigned ch, int icase) {
    if (ch >= 128) {
        c->nonascii = c->nonascii == NA_ALL ? NA_ALL : NA_SOME;
        c->leads_known = 0;
        return;
    }
    miair_byteset_add(&c->ascii, ch);
    if (icase && is_alpha(ch)) {
        miair_byteset_add(&c->ascii, ch ^ 0x20);
        unsigned lo = ch | 0x20;
        if (lo == 'i' || lo == 'k' || lo == 's') {
            if (c->nonascii == NA_NONE) {
                c->nonascii = NA_SOME;
                c->leads_known = 1;
            }
            /* Python's caseless equivalents: i ~ U+0130 U+0131 (C4 xx), s ~ U+017F (C5 BF), k ~ U+212A (E2 84 AA) */
            miair_byteset_add(&c->leads, lo == 'i' ? 0xC4 : lo == 's' ? 0xC5 : 0xE2);
        }
    }
}

static void cset_first(const cset *c, miair_byteset *first) {
    for (int w = 0; w < 2; w++) first->bits[w] |= c->ascii.bits[w];
    if (c->nonascii != NA_NONE) {
        if (c->nonascii == NA_SOME && c->leads_known)
            for (int w = 2; w < 4; w++) first->bits[w] |= c->leads.bits[w];
        else
            set_range(first, 0x80, 0xFF);
    }
}

static void cset_escape(cset *c, int e) {
    switch (e) {
    case 'w': set_range(&c->ascii, '0', '9'), set_range(&c->ascii, 'A', 'Z'), set_range(&c->ascii, 'a', 'z');
        miair_byteset_add(&c->ascii, '_');
        break;
    case 's': set_range(&c->ascii, 9, 13), set_range(&c->ascii, 0x1C, 0x20); break;
    case 'd': set_range(&c->ascii, '0', '9'); break;
    case 'W':
        for (unsigned b = 0; b < 128; b++)
            if (!is_wordb(b)) miair_byteset_add(&c->ascii, b);
        break;
    case 'S':
        set_range(&c->ascii, 0, 8), set_range(&c->ascii, 14, 0x1B), set_range(&c->ascii, 0x21, 0x7F);
        break;
    case 'D': set_range(&c->ascii, 0, '0' - 1), set_range(&c->ascii, '9' + 1, 0x7F); break;
    }
    c->nonascii = NA_SOME;
    c->leads_known = 0;
}

/* One code point of the pattern (UTF-8), or an escaped literal; -1 if not a literal escape. */
static long literal_escape(parser *p) {
    unsigned e = p->s[p->i];
    switch (e) {
    case 'n': p->i++; return '\n';
    case 't': p->i++; return '\t';
    case 'r': p->i++; return '\r';
    case 'f': p->i++; return '\f';
    case 'v': p->i++; return '\v';
    case 'a': p->i++; return 7;
    default: break;
    }
    if (e >= 0x80) {
        p->i++;
        while ((p->s[p->i] & 0xC0) == 0x80) p->i++;
        return 0x80; /* some non-ASCII character */
    }
    if (e && !is_wordb(e)) {
        p->i++;
        return e;
    }
    return -1;
}

static unsigned next_char(parser *p) {
    unsigned c = p->s[p->i++];
    if (c >= 0x80) {
        while ((p->s[p->i] & 0xC0) == 0x80) p->i++;
        return 0x80;
    }
    return c;
}

static void parse_class(parser *p, cset *out) {
    cset c;
    memset(&c, 0, sizeof c);
    int neg = 0, first = 1;
    if (p->s[p->i] == '^') neg = 1, p->i++;
    for (;;) {
        unsigned ch = p->s[p->i];
        if (!ch) {
            p->bad = 1;
            return;
        }
        if (ch == ']' && !first) {
            p->i++;
            break;
        }
        first = 0;
        long lo;
        if (ch == '\\') {
            p->i++;
            unsigned e = p->s[p->i];
            if (strchr("wWsSdD", (int)e) && e) {
                p->i++;
                cset_escape(&c, (int)e);
                continue;
            }
            lo = literal_escape(p);
            if (lo < 0) {
                p->bad = 1;
                return;
            }
        } else {
            lo = next_char(p);
        }
        long hi = lo;
        if (p->s[p->i] == '-' && p->s[p->i + 1] && p->s[p->i + 1] != ']') {
            p->i++;
            if (p->s[p->i] == '\\') {
                p->i++;
                hi = literal_escape(p);
                if (hi < 0) {
                    p->bad = 1;
                    return;
                }
            } else {
                hi = next_char(p);
            }
        }
        if (hi >= 0x80 || lo >= 0x80) {
            for (long b = lo; b <= hi && b < 0x80; b++) cset_add_char(&c, (unsigned)b, p->icase);
            c.nonascii = NA_SOME;
            c.leads_known = 0;
        } else {
            for (long b = lo; b <= hi; b++) cset_add_char(&c, (unsigned)b, p->icase);
        }
    }
    if (neg) {
        c.ascii.bits[0] = ~c.ascii.bits[0];
        c.ascii.bits[1] = ~c.ascii.bits[1];
        c.nonascii = c.nonascii == NA_NONE ? NA_ALL : c.nonascii == NA_ALL ? NA_NONE : NA_SOME;
        c.leads_known = 0;
    }
    *out = c;
}

static void parse_alt(parser *p, atom *group);

/* The leading plain literal characters (up to 8) of a sequence of atoms. */
static void lit_prefix(miair_litprefix *lp, const atom *atoms, int n) {
    memset(lp, 0, sizeof *lp);
    for (int k = 0; k < n && k < 8; k++) {
        const atom *a = &atoms[k];
        if (!a->literal || a->quantified) break; /* non-ASCII members are case variants: such bytes pass */
        unsigned c = 0, count = 0;
        for (unsigned b = 0; b < 128; b++)
            if (miair_byteset_has(&a->chars.ascii, b)) c = count++ ? c : b;
        if (count == 2 && is_alpha(c) && miair_byteset_has(&a->chars.ascii, c ^ 0x20)) {
            lp->fold |= (uint8_t)(1u << k);
            c |= 0x20;
        } else if (count != 1) {
            break;
        }
        lp->c[k] = (uint8_t)c;
        lp->len++;
    }
    /* word form: OR-ing 0x20 lowers ASCII letters (and maps a few other bytes onto lowercase letters:
     * extra candidates, never missed ones) */
    for (unsigned k = 0; k < lp->len; k++) {
        lp->mask64 |= 0xFFull << (8 * k);
        lp->val64 |= (uint64_t)lp->c[k] << (8 * k);
        if ((lp->fold >> k) & 1) lp->fold64 |= 0x20ull << (8 * k);
    }
}

/* Quantifier after an atom. */
static void parse_quant(parser *p, atom *a) {
    unsigned c = p->s[p->i];
    a->qmin = 1;
    a->qmax_inf = 0;
    if (c == '*' || c == '+' || c == '?') {
        p->i++;
        a->quantified = 1;
        a->qmin = c == '+';
        a->qmax_inf = c != '?';
    } else if (c == '{') {
        size_t j = p->i + 1;
        unsigned m = 0;
        int digits = 0;
        while (p->s[j] >= '0' && p->s[j] <= '9') m = m * 10 + (p->s[j++] - '0'), digits++;
        int inf = 0, ok = 0;
        if (p->s[j] == '}' && digits) ok = 1, j++;
        else if (p->s[j] == ',') {
            j++;
            int d2 = 0;
            while (p->s[j] >= '0' && p->s[j] <= '9') j++, d2++;
            if (p->s[j] == '}') ok = 1, inf = !d2, j++;
        }
        if (!ok) return; /* a literal '{' follows; handled as the next atom */
        p->i = j;
        a->quantified = 1;
        a->qmin = m;
        a->qmax_inf = inf;
    } else {
        return;
    }
    if (p->s[p->i] == '?') p->i++, a->lazy = 1;
    if (a->qmin == 0) a->nullable = 1;
}

static void parse_atom(parser *p, atom *a) {
    memset(a, 0, sizeof *a);
    unsigned c = p->s[p->i];
    if (c == '^' || c == '$') {
        p->i++;
        a->zero_width = a->nullable = 1;
        return;
    }
    if (c == '(') {
        p->i++;
        int look = 0;
        if (p->s[p->i] == '?') {
            unsigned n = p->s[p->i + 1];
            if (n == ':') p->i += 2;
            else if (n == '=' || n == '!') p->i += 2, look = 1;
            else if (n == '<' && (p->s[p->i + 2] == '=' || p->s[p->i + 2] == '!')) p->i += 3, look = 1;
            else if (n == 'P' && p->s[p->i + 2] == '<') {
                p->i += 3;
                while (p->s[p->i] && p->s[p->i] != '>') p->i++;
                if (p->s[p->i]) p->i++;
            } else {
                p->bad = 1;
                return;
            }
        }
        size_t inner = p->i;
        parse_alt(p, a);
        if (p->s[p->i] != ')') {
            p->bad = 1;
            return;
        }
        p->i++;
        if (look) {
            memset(a, 0, sizeof *a);
            a->zero_width = a->nullable = 1;
            return;
        }
        if (p->s[p->i] != '*' && p->s[p->i] != '+' && p->s[p->i] != '?' && p->s[p->i] != '{') {
            /* a group of one single-character atom, itself not quantified: that atom (for shape analysis) */
            parser q = {p->s, inner, p->icase, 0};
            atom in;
            parse_atom(&q, &in);
            if (!q.bad && q.s[q.i] == ')' && in.single && !in.zero_width) {
                *a = in;
                return;
            }
        }
        parse_quant(p, a);
        return;
    }
    a->single = 1;
    if (c == '[') {
        p->i++;
        parse_class(p, &a->chars);
    } else if (c == '.') {
        p->i++;
        set_range(&a->chars.ascii, 0, 0x7F);
        a->chars.ascii.bits[0] &= ~(1ull << '\n');
        a->chars.nonascii = NA_ALL;
    } else if (c == '\\') {
        p->i++;
        unsigned e = p->s[p->i];
        if (e == 'b' || e == 'B' || e == 'A' || e == 'Z') {
            p->i++;
            memset(a, 0, sizeof *a);
            a->zero_width = a->nullable = 1;
            a->qmin = e; /* remembers which assertion (used for a leading \b) */
            return;
        }
        if (e && strchr("wWsSdD", (int)e)) {
            p->i++;
            cset_escape(&a->chars, (int)e);
        } else {
            long l = literal_escape(p);
            if (l < 0) {
                p->bad = 1;
                return;
            }
            cset_add_char(&a->chars, (unsigned)l, p->icase);
            a->literal = l < 0x80;
        }
    } else {
        unsigned ch = next_char(p);
        cset_add_char(&a->chars, ch, p->icase);
        a->literal = ch < 0x80;
    }
    cset_first(&a->chars, &a->first);
    parse_quant(p, a);
}

/* A sequence up to '|' or ')' or the end. */
static void parse_seq(parser *p, atom *seq, atom *atoms, int *natoms, int max_atoms) {
    memset(seq, 0, sizeof *seq);
    seq->nullable = 1;
    int n = 0;
    while (p->s[p->i] && p->s[p->i] != '|' && p->s[p->i] != ')' && !p->bad) {
        atom a;
        parse_atom(p, &a);
        if (p->bad) return;
        if (atoms && n < max_atoms) atoms[n] = a;
        n++;
        if (a.zero_width) continue;
        if (seq->nullable)
            for (int w = 0; w < 4; w++) seq->first.bits[w] |= a.first.bits[w];
        seq->nullable = seq->nullable && a.nullable;
    }
    if (natoms) *natoms = n;
}

/* Alternatives up to ')' or the end; also notes whether they are all plain literals. */
static void parse_alt(parser *p, atom *group) {
    memset(group, 0, sizeof *group);
    group->lit_alts = 1;
    int first_alt = 1;
    for (;;) {
        atom seq, atoms[8];
        int n = 0;
        size_t start = p->i;
        parse_seq(p, &seq, atoms, &n, 8);
        (void)start;
        if (p->bad) return;
        for (int w = 0; w < 4; w++) group->first.bits[w] |= seq.first.bits[w];
        group->nullable = first_alt ? seq.nullable : (group->nullable || seq.nullable);
        first_alt = 0;
        /* an alternative that starts with two plain literal characters: record them */
        int lit = n >= 2 && atoms[0].literal && !atoms[0].quantified && atoms[1].literal && !atoms[1].quantified;
        if (lit && group->nalt < 64) {
            unsigned c0 = 0, c1 = 0;
            for (unsigned b = 0; b < 128; b++) {
                if (miair_byteset_has(&atoms[0].chars.ascii, b) && !c0) c0 = b;
                if (miair_byteset_has(&atoms[1].chars.ascii, b) && !c1) c1 = b;
            }
            group->alt2[group->nalt][0] = (unsigned char)c0;
            group->alt2[group->nalt][1] = (unsigned char)c1;
            if (group->nalt < MIAIR_PF_MAX_LITS) lit_prefix(&group->alt_lit[group->nalt], atoms, n);
            group->nalt++;
        } else {
            group->lit_alts = 0;
        }
        if (p->s[p->i] != '|') break;
        p->i++;
    }
}

static void add_pair(miair_prefilter *pf, unsigned a, unsigned b, int icase) {
    unsigned as[2] = {a, a}, bs[2] = {b, b};
    if (icase && is_alpha(a)) as[1] = a ^ 0x20;
    if (icase && is_alpha(b)) bs[1] = b ^ 0x20;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) pf->pairs[as[i]][bs[j] >> 6] |= 1ull << (bs[j] & 63);
}

/* One plain literal ASCII character of a Python pattern at py[*i] (outside a class), or -1: a
 * character that is not a metacharacter, or an escape literal_escape reads as an ASCII character. */
static int plain_char(const char *py, size_t *i) {
    unsigned c = (unsigned char)py[*i];
    if (!c || c >= 0x80 || strchr(".^$*+?{}[]|()", (int)c)) return -1;
    if (c != '\\') {
        ++*i;
        return (int)c;
    }
    parser q = {(const unsigned char *)py, *i + 1, 0, 0};
    long l = literal_escape(&q);
    if (l < 0 || l >= 0x80) return -1;
    *i = q.i;
    return (int)l;
}

/* The literal-alternation shape [\b](?:L1|...|Ln)[\b] (or a capturing group); 1 when py has it. */
static int litalt_analyze(miair_litalt *la, const char *py, int icase) {
    memset(la, 0, sizeof *la);
    size_t i = 0;
    if (!strncmp(py, "\\b", 2)) la->lead_b = 1, i = 2;
    if (py[i] != '(') return 0;
    i++;
    if (py[i] == '?') {
        if (py[i + 1] != ':') return 0;
        i += 2;
    }
    for (;;) {
        if (la->nalt == MIAIR_PF_ALT_MAX) return 0;
        int k = la->nalt++;
        int c;
        while ((c = plain_char(py, &i)) >= 0) {
            if (la->len[k] == MIAIR_PF_ALT_LEN) return 0;
            if (icase && is_alpha((unsigned)c)) c |= 0x20;
            la->c[k][la->len[k]++] = (uint8_t)c;
        }
        if (!la->len[k]) return 0;
        if (py[i] == '|') {
            i++;
            continue;
        }
        if (py[i] != ')') return 0;
        i++;
        break;
    }
    if (!strncmp(py + i, "\\b", 2)) la->trail_b = 1, i += 2;
    if (!strncmp(py + i, "(?!\\s+\\w+)", 10)) la->not_space_word = 1, i += 10;
    else if (!strncmp(py + i, "(?!\\s+\\w)", 9)) la->not_space_word = 1, i += 9;
    else if (!la->trail_b && !strncmp(py + i, "\\s+\\w+", 6)) {
        i += 6;
        while (is_alpha((unsigned char)py[i]) && la->suffix_len < sizeof la->suffix)
            la->suffix[la->suffix_len++] = (uint8_t)(icase ? py[i++] | 0x20 : py[i++]);
        if (!la->suffix_len || strncmp(py + i, "\\b", 2)) return 0;
        i += 2;
    }
    la->icase = icase;
    for (int k = 0; k < la->nalt; k++)
        for (unsigned j = 0; j < la->len[k]; j++) {
            la->val[k][j / 8] |= (uint64_t)la->c[k][j] << (8 * (j % 8));
            la->mask[k][j / 8] |= 0xFFull << (8 * (j % 8));
            if (icase && is_alpha(la->c[k][j])) la->fold[k][j / 8] |= 0x20ull << (8 * (j % 8));
        }
    return py[i] == '\0';
}

void miair_prefilter_analyze(miair_prefilter *pf, const char *py, unsigned flags) {
    memset(pf, 0, sizeof *pf);
    pf->has_litalt = litalt_analyze(&pf->litalt, py, (flags & MIAIR_PYRE_IGNORECASE) != 0);
    parser p = {(const unsigned char *)py, 0, (flags & MIAIR_PYRE_IGNORECASE) != 0, 0};
    atom top, atoms[16];
    int n = 0;
    parse_seq(&p, &top, atoms, &n, 16);
    int single_seq = !p.bad && !p.s[p.i];
    if (!single_seq) {
        /* top-level alternation or something unparsed: first set only, if parsable */
        p.i = 0;
        p.bad = 0;
        parse_alt(&p, &top);
        if (p.bad || p.s[p.i] || top.nullable) return;
        pf->first = top.first;
        pf->usable = 1;
        return;
    }
    if (top.nullable || n > 16) return;
    pf->first = top.first;
    pf->usable = 1;

    /* leading zero-width assertions */
    int k = 0;
    int lead_b = 0;
    for (; k < n && atoms[k].zero_width; k++) {
        if (k == 0 && py[0] == '^') pf->line_start = 1;
        if (atoms[k].qmin == 'b') lead_b = 1;
    }
    if (k == n) return;
    (void)lead_b;
    /* \b first, then something that starts with a word character: the previous one is not a word character */
    if (n > 1 && atoms[0].zero_width && atoms[0].qmin == 'b') {
        int ok = 1;
        for (unsigned b = 0; b < 128 && ok; b++)
            if (miair_byteset_has(&pf->first, b) && !is_wordb(b)) ok = 0;
        pf->nonword_before = ok;
    }
    const atom *a1 = &atoms[k];
    if (a1->single && a1->chars.nonascii == NA_NONE && a1->qmin >= 2) {
        pf->head = a1->chars.ascii;
        pf->head_min = a1->qmin;
        /* the first two characters are both in the class: a pair filter */
        pf->has_pairs = 1;
        for (unsigned x = 0; x < 128; x++)
            for (unsigned y = 0; y < 128; y++)
                if (miair_byteset_has(&a1->chars.ascii, x) && miair_byteset_has(&a1->chars.ascii, y))
                    add_pair(pf, x, y, 0);
    }
    /* C* then D: after the run of C characters (ASCII) comes a D character */
    if (a1->single && a1->qmin == 0 && a1->qmax_inf && k + 1 < n && atoms[k + 1].single && atoms[k + 1].qmin >= 1) {
        pf->has_star = 1;
        pf->star_c = a1->chars.ascii;
        pf->star_d = atoms[k + 1].chars.ascii;
        /* the first two characters: a C character then a C or D character (the run goes on or ends
         * in its D), or a D character (empty run) then anything; non-ASCII ones pass every pair */
        pf->has_pairs = 1;
        for (unsigned x = 0; x < 128; x++) {
            const int in_d = miair_byteset_has(&pf->star_d, x), in_c = miair_byteset_has(&pf->star_c, x);
            for (unsigned y = 0; y < 128; y++)
                if (in_d || (in_c && (miair_byteset_has(&pf->star_c, y) || miair_byteset_has(&pf->star_d, y))))
                    add_pair(pf, x, y, 0);
        }
    }
    /* first two characters: a group of plain literal alternatives, or two plain literals */
    if (!a1->single && !a1->quantified && a1->lit_alts && a1->nalt > 0) {
        pf->has_pairs = 1;
        for (int j = 0; j < a1->nalt; j++) add_pair(pf, a1->alt2[j][0], a1->alt2[j][1], p.icase);
        if (a1->nalt <= MIAIR_PF_MAX_LITS) {
            pf->nlits = a1->nalt;
            memcpy(pf->lits, a1->alt_lit, sizeof(miair_litprefix) * (size_t)a1->nalt);
        }
    } else if (k + 1 < n && a1->single && !a1->quantified && atoms[k + 1].single && atoms[k + 1].qmin >= 1) {
        /* one character, then a character of the second atom (case variants are in the sets already) */
        pf->has_pairs = 1;
        for (unsigned x = 0; x < 128; x++)
            for (unsigned y = 0; y < 128; y++)
                if (miair_byteset_has(&a1->chars.ascii, x) && miair_byteset_has(&atoms[k + 1].chars.ascii, y))
                    add_pair(pf, x, y, 0);
    }
    if (a1->single && a1->literal && !a1->quantified && !pf->nlits) {
        miair_litprefix lp;
        lit_prefix(&lp, atoms + k, n - k);
        if (lp.len >= 3) {
            pf->lits[0] = lp;
            pf->nlits = 1;
        }
    }
    /* required bytes: the exact single ASCII bytes of non-optional atoms after the first one */
    for (int j = k + 1; j < n && pf->nrequired < 8; j++) {
        const atom *a = &atoms[j];
        if (a->zero_width || !a->single || a->qmin < 1 || a->chars.nonascii != NA_NONE) continue;
        int count = 0, byte = -1;
        for (unsigned b = 0; b < 128; b++)
            if (miair_byteset_has(&a->chars.ascii, b)) count++, byte = (int)b;
        if (count != 1) continue;
        int dup = 0;
        for (int q = 0; q < pf->nrequired; q++) dup |= pf->required[q] == byte;
        if (!dup) pf->required[pf->nrequired++] = (uint8_t)byte;
    }
    /* L C+ D ... */
    if (k == 0 && n >= 3 && a1->single && !a1->quantified && atoms[1].single && atoms[1].qmin >= 1 &&
        atoms[1].qmax_inf && !atoms[1].lazy && atoms[1].chars.nonascii != NA_SOME && atoms[2].single &&
        !atoms[2].quantified && atoms[2].chars.nonascii == NA_NONE) {
        int disjoint = 1;
        for (int w = 0; w < 2; w++)
            if (atoms[1].chars.ascii.bits[w] & atoms[2].chars.ascii.bits[w]) disjoint = 0;
        if (disjoint) {
            pf->skip_shape = 1;
            pf->skip_c = atoms[1].chars.ascii;
            pf->skip_c_nonascii = atoms[1].chars.nonascii == NA_ALL;
        }
    }
    /* C{m,} alone (a literal before a repeat of itself counts: "  +" is " {2,}"): a match is a maximal
     * run of at least m characters of C */
    if (k == 0 && a1->single && a1->chars.nonascii != NA_SOME) {
        unsigned m = 0;
        int ok = 0;
        if (n == 1 && a1->qmax_inf && !a1->lazy && a1->qmin >= 1) ok = 1, m = a1->qmin;
        if (n == 2 && !a1->quantified && atoms[1].single && atoms[1].qmax_inf && !atoms[1].lazy && atoms[1].qmin >= 1 &&
            !memcmp(&a1->chars, &atoms[1].chars, sizeof a1->chars))
            ok = 1, m = 1 + atoms[1].qmin;
        if (ok) {
            pf->run_shape = 1;
            pf->run_no_d = 1;
            pf->run_c = a1->chars.ascii;
            pf->run_c_nonascii = a1->chars.nonascii == NA_ALL;
            pf->run_min = m;
            pf->run_pairs_only = m >= 2 && a1->chars.nonascii == NA_NONE;
            return;
        }
    }
    /* C{m,}D */
    if (k == 0 && n == 2 && a1->single && a1->qmin >= 1 && a1->qmax_inf && a1->chars.nonascii != NA_SOME) {
        const atom *a2 = &atoms[1];
        int disjoint = a2->single && !a2->quantified && a2->chars.nonascii == NA_NONE;
        for (int w = 0; w < 2 && disjoint; w++)
            if (a1->chars.ascii.bits[w] & a2->chars.ascii.bits[w]) disjoint = 0;
        if (disjoint) {
            pf->run_shape = 1;
            pf->run_c = a1->chars.ascii;
            pf->run_c_nonascii = a1->chars.nonascii == NA_ALL;
            pf->run_d = a2->chars.ascii;
            pf->run_min = a1->qmin;
        }
    }
}
