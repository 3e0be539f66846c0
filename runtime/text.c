/* The text model of SPEC §1: decoding, re-encoding, lower(), positions. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels.h"
#include "unicode.h"

int miair_buf_reserve(miair_buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return 0;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->len + extra) {
        if (nc > SIZE_MAX / 2) return -1;
        nc *= 2;
    }
    char *np = realloc(b->p, nc);
    if (!np) return -1;
    b->p = np;
    b->cap = nc;
    return 0;
}

int miair_buf_append(miair_buf *b, const void *data, size_t n) {
    if (miair_buf_reserve(b, n)) return -1;
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

void miair_buf_release(miair_buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Grows an array of elem-sized items to hold at least n. */
static int grow(void **p, size_t *cap, size_t n, size_t elem) {
    if (n <= *cap && *p) return 0;
    size_t nc = n < 256 ? 256 : n + n / 4;
    if (nc > SIZE_MAX / elem) return -1;
    void *np = realloc(*p, nc * elem);
    if (!np) return -1;
    *p = np;
    *cap = nc;
    return 0;
}

int miair_scratch_init(miair_scratch *s) {
    memset(s, 0, sizeof *s);
    return miair_pyre_scratch_init(&s->rx);
}

void miair_scratch_release(miair_scratch *s) {
    miair_pyre_scratch_release(&s->rx);
    free(s->cp);
    free(s->lw);
    free(s->u8);
    free(s->cp_counts);
    miair_buf_release(&s->words);
    miair_buf_release(&s->tmp);
    miair_buf_release(&s->touched);
    miair_buf_release(&s->newlines);
    miair_buf_release(&s->sent);
    miair_buf_release(&s->lw8);
    for (int i = 0; i < RX_COUNT; i++) miair_buf_release(&s->matches[i]);
    memset(s, 0, sizeof *s);
}

static int all_ascii(const uint8_t *p, size_t n) {
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        acc |= x;
    }
    for (; i < n; i++) acc |= p[i];
    return (acc & 0x8080808080808080ull) == 0;
}

miair_status miair_text_build(miair_scratch *s, const void *buf, size_t len, miair_text *t) {
    memset(t, 0, sizeof *t);
    if (len > SIZE_MAX / 8) return MIAIR_ERR_TOO_BIG;
    const uint8_t *in = (const uint8_t *)buf;
    s->lw8.len = 0;
    if (!len || all_ascii(in, len)) {
        /* ASCII: code points are the bytes; no decoded arrays (cp, lw stay NULL) */
        if (miair_buf_reserve(&s->lw8, len + 1)) return MIAIR_ERR_NOMEM;
        for (size_t i = 0; i < len; i++) {
            uint8_t c = in[i];
            s->lw8.p[i] = (char)((unsigned)c - 'A' < 26u ? c + 32 : c);
        }
        s->lw8.len = len;
        t->u8 = in ? in : (const uint8_t *)"";
        t->n = t->nb = t->nl = len;
        t->ascii = 1;
        return MIAIR_OK;
    }
    if (grow((void **)&s->cp, &s->cap_cp, len + 1, sizeof *s->cp)) return MIAIR_ERR_NOMEM;
    size_t n = miair_utf8_decode(in, len, s->cp);
    if (grow((void **)&s->u8, &s->cap_u8, 3 * n + 1, 1)) return MIAIR_ERR_NOMEM; /* U+FFFD for one byte: 3 bytes */
    size_t nb = miair_utf8_encode(s->cp, n, s->u8);
    if (grow((void **)&s->lw, &s->cap_lw, 2 * n + 1, sizeof *s->lw)) return MIAIR_ERR_NOMEM;
    size_t nl = miair_lower(s->cp, n, s->lw);
    /* text.lower() as UTF-8, for substring searches */
    if (miair_buf_reserve(&s->lw8, 4 * nl + 1)) return MIAIR_ERR_NOMEM;
    s->lw8.len = miair_utf8_encode(s->lw, nl, (uint8_t *)s->lw8.p);
    t->cp = s->cp;
    t->n = n;
    t->u8 = s->u8;
    t->nb = nb;
    t->lw = s->lw;
    t->nl = nl;
    t->ascii = 0;
    return MIAIR_OK;
}

size_t miair_text_tokens(const miair_text *t, size_t a, size_t b) {
    if (!t->ascii) return miair_ws_tokens(t->cp + a, b - a);
    size_t tokens = 0;
    int in = 0;
    for (size_t i = a; i < b; i++) {
        int sp = miair_uc_isspace(t->u8[i]);
        tokens += !sp && !in;
        in = !sp;
    }
    return tokens;
}

int miair_lower_window_contains(const miair_scratch *s, const miair_text *t, size_t start, size_t len,
                                const char *needle) {
    if (t->ascii) return memmem(s->lw8.p + start, len, needle, strlen(needle)) != NULL;
    return miair_contains_ascii(t->lw + start, len, needle);
}

void miair_cursor_init(miair_cursor *k, const miair_text *t) {
    k->t = t;
    k->b = k->c = k->nl = 0;
}

void miair_cursor_seek(miair_cursor *k, size_t b) {
    if (b < k->b) miair_cursor_init(k, k->t);
    const uint8_t *u = k->t->u8;
    size_t nl = k->nl, c = k->c;
    if (k->t->ascii) {
        for (size_t i = k->b; i < b; i++) nl += u[i] == '\n';
        c = b;
    } else {
        for (size_t i = k->b; i < b; i++) {
            nl += u[i] == '\n';
            c += (u[i] & 0xC0) != 0x80;
        }
    }
    k->b = b;
    k->c = c;
    k->nl = nl;
}

size_t miair_cursor_cp(miair_cursor *k, size_t b) {
    if (k->t->ascii) return b;
    if (b < k->b) miair_cursor_init(k, k->t);
    const uint8_t *u = k->t->u8;
    size_t c = k->c;
    for (size_t i = k->b; i < b; i++) c += (u[i] & 0xC0) != 0x80;
    k->b = b;
    k->c = c;
    return c;
}

size_t miair_ws_tokens(const uint32_t *cp, size_t n) {
    size_t tokens = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = miair_uc_isspace(cp[i]);
        if (!sp && !in) tokens++;
        in = !sp;
    }
    return tokens;
}

int miair_contains_ascii(const uint32_t *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    if (m == 0) return 1;
    if (m > n) return 0;
    const uint32_t first = (unsigned char)needle[0];
    for (size_t i = 0; i + m <= n; i++) {
        if (hay[i] != first) continue;
        size_t j = 1;
        while (j < m && hay[i + j] == (unsigned char)needle[j]) j++;
        if (j == m) return 1;
    }
    return 0;
}

int miair_lower_contains(const miair_scratch *s, const char *needle) {
    return memmem(s->lw8.p, s->lw8.len, needle, strlen(needle)) != NULL;
}

static int is_term(uint32_t c) { return c == '.' || c == '!' || c == '?'; }

static double paragraph_piece_score(size_t pieces) {
    return (pieces >= 3 && pieces <= 5) ? 1.0 : (pieces >= 2 && pieces <= 7) ? 0.7 : 0.4;
}

#define STATS_CHUNK_BLOCKS 64 /* classify this many 64-byte blocks at a time */

static inline uint64_t bits_below(unsigned q) { return q >= 64 ? ~0ull : (1ull << q) - 1; }

/* ASCII text from the class bitmaps of the kernels: S = whitespace, T = .!?, N = '\n'.
 * Token starts, terminator-run starts and paragraph separators are bit
 * arithmetic; sentences and paragraphs are walked event by event. */
static miair_status text_stats_ascii(miair_scratch *s, const miair_text *t, miair_text_facts *f) {
    const uint8_t *u = t->u8;
    const size_t n = t->nb;
    uint64_t cls[MIAIR_CLS_COUNT * STATS_CHUNK_BLOCKS];
    uint64_t ns_carry = 0, x_carry = 0, t_carry = 0; /* last character of the previous block */
    size_t s_tok = 0, p_tok = 0, p_pieces = 0, skip_until = 0;
    int para_nonblank = 0;
    for (size_t base = 0; base < n; base += 64 * STATS_CHUNK_BLOCKS) {
        size_t len = n - base < 64 * STATS_CHUNK_BLOCKS ? n - base : 64 * STATS_CHUNK_BLOCKS;
        size_t blocks = MIAIR_BLOCKS(len);
        s->k->classify(u + base, len, cls, STATS_CHUNK_BLOCKS, 1);
        for (size_t bi = 0; bi < blocks; bi++) {
            const size_t pos0 = base + 64 * bi;
            const size_t valid = n - pos0 < 64 ? n - pos0 : 64;
            const uint64_t V = bits_below((unsigned)valid);
            const uint64_t S = cls[MIAIR_CLS_SPACE * STATS_CHUNK_BLOCKS + bi];
            const uint64_t T = cls[MIAIR_CLS_TERM * STATS_CHUNK_BLOCKS + bi];
            const uint64_t N = cls[MIAIR_CLS_NEWLINE * STATS_CHUNK_BLOCKS + bi];
            const uint64_t NS = ~S & V, X = NS & ~T;
            const uint64_t gstart = NS & ~((NS << 1) | ns_carry);
            const uint64_t sstart = X & ~((X << 1) | x_carry);
            const uint64_t TR = T & ~((T << 1) | t_carry);
            f->ws_tokens += (size_t)__builtin_popcountll(gstart);
            /* "\n\n" separators, left to right, non-overlapping */
            uint64_t next_nl = (pos0 + 64 < n && u[pos0 + 64] == '\n') ? 1ull << 63 : 0;
            uint64_t D = N & ((N >> 1) | next_nl), SEP = 0;
            while (D) {
                unsigned q = (unsigned)__builtin_ctzll(D);
                D &= D - 1;
                if (pos0 + q >= skip_until) {
                    SEP |= 1ull << q;
                    skip_until = pos0 + q + 2;
                }
            }
            uint64_t E = TR | SEP;
            unsigned prev = 0;
            while (E) {
                unsigned q = (unsigned)__builtin_ctzll(E);
                E &= E - 1;
                uint64_t range = bits_below(q) & ~bits_below(prev);
                size_t cnt = (size_t)__builtin_popcountll(sstart & range);
                s_tok += cnt;
                p_tok += cnt;
                para_nonblank |= (NS & range) != 0;
                if ((TR >> q) & 1) {
                    if (s_tok) {
                        if (miair_buf_append(&s->sent, &s_tok, sizeof s_tok)) return MIAIR_ERR_NOMEM;
                        f->sentence_tokens += s_tok;
                    }
                    s_tok = 0;
                    para_nonblank = 1; /* the terminator itself */
                    if (p_tok) p_pieces++;
                    p_tok = 0;
                } else {
                    if (p_tok) p_pieces++;
                    if (para_nonblank) {
                        f->paragraphs++;
                        f->paragraph_sum += paragraph_piece_score(p_pieces);
                    }
                    p_tok = p_pieces = 0;
                    para_nonblank = 0;
                }
                prev = q + 1;
            }
            uint64_t rest = ~bits_below(prev);
            size_t cnt = (size_t)__builtin_popcountll(sstart & rest);
            s_tok += cnt;
            p_tok += cnt;
            para_nonblank |= (NS & rest) != 0;
            ns_carry = (NS >> 63) & 1;
            x_carry = (X >> 63) & 1;
            t_carry = (T >> 63) & 1;
        }
    }
    if (s_tok) {
        if (miair_buf_append(&s->sent, &s_tok, sizeof s_tok)) return MIAIR_ERR_NOMEM;
        f->sentence_tokens += s_tok;
    }
    if (p_tok) p_pieces++;
    if (para_nonblank) {
        f->paragraphs++;
        f->paragraph_sum += paragraph_piece_score(p_pieces);
    }
    f->sentences = s->sent.len / sizeof(size_t);
    return MIAIR_OK;
}

miair_status miair_text_stats(miair_scratch *s, const miair_text *t, miair_text_facts *f) {
    memset(f, 0, sizeof *f);
    s->sent.len = 0;
    if (t->ascii && s->k) return text_stats_ascii(s, t, f);
    s->sent.len = 0;
    const uint32_t *cp = t->cp;
    const uint8_t *u8 = t->u8;
    const int ascii = t->ascii;
    const size_t n = t->n;
    int g_in = 0;                       /* inside a whitespace token of the whole text */
    int s_in = 0, prev_term = 0;        /* sentence machine */
    size_t s_tok = 0;
    int p_nonblank = 0, piece_nonblank = 0, skip = 0; /* paragraph machine */
    size_t p_pieces = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = ascii ? u8[i] : cp[i];
        int sp = miair_uc_isspace(c), term = is_term(c);
        if (!sp && !g_in) f->ws_tokens++;
        g_in = !sp;
        if (term) {
            if (!prev_term) {
                if (s_tok) {
                    if (miair_buf_append(&s->sent, &s_tok, sizeof s_tok)) return MIAIR_ERR_NOMEM;
                    f->sentence_tokens += s_tok;
                }
                s_tok = 0;
            }
            s_in = 0;
            prev_term = 1;
        } else {
            prev_term = 0;
            if (!sp && !s_in) s_tok++;
            s_in = !sp;
        }
        /* paragraphs: text.split('\n\n'), left to right, non-overlapping */
        if (skip) {
            skip = 0;
            continue;
        }
        if (c == '\n' && i + 1 < n && (ascii ? u8[i + 1] : cp[i + 1]) == '\n') {
            if (piece_nonblank) p_pieces++;
            if (p_nonblank) {
                f->paragraphs++;
                f->paragraph_sum += paragraph_piece_score(p_pieces);
            }
            p_nonblank = piece_nonblank = 0;
            p_pieces = 0;
            skip = 1;
            continue;
        }
        if (!sp) p_nonblank = 1;
        if (term) {
            if (piece_nonblank) p_pieces++;
            piece_nonblank = 0;
        } else if (!sp) {
            piece_nonblank = 1;
        }
    }
    if (s_tok) {
        if (miair_buf_append(&s->sent, &s_tok, sizeof s_tok)) return MIAIR_ERR_NOMEM;
        f->sentence_tokens += s_tok;
    }
    if (piece_nonblank) p_pieces++;
    if (p_nonblank) {
        f->paragraphs++;
        f->paragraph_sum += paragraph_piece_score(p_pieces);
    }
    f->sentences = s->sent.len / sizeof(size_t);
    return MIAIR_OK;
}
