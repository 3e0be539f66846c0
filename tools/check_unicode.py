#!/usr/bin/env python3
"""Compare runtime/unicode.c (through tests/unicode_dump) with Python 3.11.

Usage: python3 tools/check_unicode.py path/to/unicode_dump [--seed N] [-v]

1. props:  every code point 0..10FFFF: isspace, \\w, isupper, final-sigma
           class and chr(c).lower(), against the interpreter's str methods.
2. decode: random byte strings biased to invalid UTF-8, against
           bytes.decode('utf-8', 'replace') (and the re-encoding against
           str.encode('utf-8')).
3. lower:  random strings of interesting characters (sigmas, cased letters,
           combining marks, soft hyphen, apostrophes, dots, spaces, ...),
           against str.lower().

Exit 0 iff everything agrees; the last line is "N passed, M failed".
Standard library only.
"""
import argparse
import random
import subprocess
import sys
import unicodedata

CAP_SIGMA, FINAL_SIGMA = "\u03a3", "\u03c2"


def sigma_class(x):
    # Derived from str.lower() itself; see tools/gen_unicode.py.
    if (x + CAP_SIGMA).lower()[-1] == FINAL_SIGMA:
        return 1  # CASED
    if ("A" + CAP_SIGMA + x + "A").lower()[1] == FINAL_SIGMA:
        return 0  # OTHER
    return 2      # IGNORABLE


def hexcps(s):
    return " ".join("%X" % ord(ch) for ch in s)


def run(dump, mode, stdin_text=None):
    p = subprocess.run([dump, mode], input=stdin_text, capture_output=True,
                       text=True, encoding="ascii", check=False)
    if p.returncode != 0:
        raise SystemExit("check_unicode: %s %s exited %d: %s"
                         % (dump, mode, p.returncode, p.stderr.strip()))
    return p.stdout.split("\n")[:-1] if p.stdout else []


class Tally:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose
        self.shown = 0

    def compare(self, what, case, expected, got):
        if expected == got:
            self.passed += 1
            return
        self.failed += 1
        if self.shown < 20 or self.verbose:
            self.shown += 1
            print("FAIL %s %s\n  python: %s\n  C:      %s" % (what, case, expected, got))


def check_props(dump, t):
    got = run(dump, "props")
    if len(got) != 0x110000:
        t.compare("props", "line count", 0x110000, len(got))
    for c in range(0x110000):
        x = chr(c)
        exp = "%X %d %d %d %d %s" % (c, x.isspace(), x.isalnum() or c == 0x5F,
                                     x.isupper(), sigma_class(x), hexcps(x.lower()))
        t.compare("props", "U+%04X" % c, exp, got[c] if c < len(got) else None)


# --- decode -----------------------------------------------------------------

def random_valid_char(rng):
    r = rng.random()
    if r < 0.3:
        c = rng.randrange(0x80, 0x800)
    elif r < 0.6:
        c = rng.randrange(0x800, 0x10000)
        if 0xD800 <= c < 0xE000:
            c = 0xFFFD
    elif r < 0.8:
        c = rng.randrange(0x10000, 0x110000)
    else:
        c = rng.choice([0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD,
                        0xFFFF, 0x10000, 0x10FFFF, 0x3A3, 0x130])
    return chr(c).encode("utf-8")


BOUNDARY = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
            0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4,
            0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF]


def random_fragment(rng):
    r = rng.random()
    if r < 0.15:                                  # ASCII run (fast path)
        return bytes(rng.randrange(0x20, 0x7F) for _ in range(rng.randrange(1, 20)))
    if r < 0.35:                                  # valid multi-byte char
        return random_valid_char(rng)
    if r < 0.50:                                  # truncated valid char
        b = random_valid_char(rng)
        return b[:rng.randrange(1, len(b))] if len(b) > 1 else b
    if r < 0.65:                                  # boundary bytes
        return bytes([rng.choice(BOUNDARY)])
    if r < 0.75:                                  # lead + boundary continuation
        lead = rng.choice([0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF,
                           0xF0, 0xF1, 0xF4, 0xF5])
        return bytes([lead] + [rng.choice(BOUNDARY[2:8] + [0xBF, 0x41])
                               for _ in range(rng.randrange(0, 4))])
    if r < 0.80:
        return b"\xef\xbb\xbf"                    # BOM
    if r < 0.85:
        return b"\x00" * rng.randrange(1, 3)      # NUL
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))


def check_decode(dump, t, rng, count):
    cases = [b"", b"\x00", b"\xef\xbb\xbf", b"abcdefgh", b"abcdefghi\x80"]
    while len(cases) < count:
        cases.append(b"".join(random_fragment(rng)
                              for _ in range(rng.randrange(1, 12))))
    got = run(dump, "decode", "".join(c.hex() + "\n" for c in cases))
    for i, b in enumerate(cases):
        s = b.decode("utf-8", "replace")
        exp = hexcps(s) + "|" + s.encode("utf-8").hex()
        t.compare("decode", b.hex(), exp, got[i] if i < len(got) else None)


# --- lower ------------------------------------------------------------------

INTERESTING = (
    ["\u03a3"] * 6 + ["\u03c2", "\u03c3", "\u0130", "\u0131", "I", "i"]
    + list("AZaz09_") + list("\u0391\u0392\u0394\u039f\u03b1\u03bf")
    + ["\u00c0", "\u00df", "\u01c5", "\u1e9e", "\u2126", "\u212a", "\u0345",
       "\u02b0", "\u00aa", "\u2160", "\u24b6", "\U00010400", "\U0001e900"]
    + [chr(c) for c in range(0x300, 0x370)]
    + ["\u00ad", "'", "\u2019", "\u00b7", ".", ":", "^", "`", "\u00a8",
       "\u200b", "\u200d", "\u0483", "\ufe0f", "\U000e0001", "\U000e0100"]
    + [" ", "\t", "\n", "\u00a0", "\u3000", "\u0085"]
    + list(",;!?-()[]#*\"") + ["\u00bf", "\u3002", "\u4e2d", "\u0660"]
)


def random_text(rng):
    r = rng.random()
    n = rng.randrange(0, 16)
    if r < 0.8:
        return "".join(rng.choice(INTERESTING) for _ in range(n))
    # any code point, sigma-heavy
    out = []
    for _ in range(n):
        if rng.random() < 0.3:
            out.append(CAP_SIGMA)
        else:
            out.append(chr(rng.randrange(0x110000)))
    return "".join(out)


def check_lower(dump, t, rng, count):
    cases = ["", "\u03a3", "\u0130", "\u039f\u0394\u039f\u03a3", "\u0391\u03a3.",
             "A\u03a3'B", "A\u03a3\u0301B", "A\u03a3\u0301", "\u03a3\u03a3\u03a3"]
    while len(cases) < count:
        cases.append(random_text(rng))
    got = run(dump, "lower", "".join(hexcps(s) + "\n" for s in cases))
    for i, s in enumerate(cases):
        t.compare("lower", hexcps(s), hexcps(s.lower()), got[i] if i < len(got) else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", help="path to the unicode_dump test program")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--decode-cases", type=int, default=5000)
    ap.add_argument("--lower-cases", type=int, default=10000)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if unicodedata.unidata_version != "14.0.0":
        print("check_unicode: warning: this interpreter has Unicode %s, the spec "
              "is Python 3.11 (Unicode 14.0.0)" % unicodedata.unidata_version)
    rng = random.Random(args.seed)
    t = Tally(args.verbose)
    for name, fn in (("props", lambda: check_props(args.dump, t)),
                     ("decode", lambda: check_decode(args.dump, t, rng, args.decode_cases)),
                     ("lower", lambda: check_lower(args.dump, t, rng, args.lower_cases))):
        p0, f0 = t.passed, t.failed
        fn()
        print("%-6s %d passed, %d failed" % (name, t.passed - p0, t.failed - f0))
    print("%d passed, %d failed" % (t.passed, t.failed))
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
