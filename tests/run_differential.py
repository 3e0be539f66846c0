#!/usr/bin/env python3
"""Differential test: the C engine (the `miair` program) against the Python
oracle (tools/oracle.py) on (1) a seeded generated corpus of benchmark shapes
and adversarial documents, and (2) when installed, the Debian documentation
sets (python3.11-doc reStructuredText sources, git-doc text files).
Every record must be equal (numbers within 1e-9). Prints per-set counts and a
final 'N passed, M failed' line."""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "tools")
DOC_SETS = [
    ("python3.11-doc", "/usr/share/doc/python3.11/html/_sources", ["--include", "*.txt"]),
    ("git-doc", "/usr/share/doc/git-doc", ["--include", "*.txt"]),
]


def files_of(path, pattern_suffix=".txt"):
    out = []
    for dp, dn, fn in os.walk(path):
        dn.sort()
        for f in sorted(fn):
            if f.endswith(pattern_suffix):
                out.append(os.path.join(dp, f))
    return sorted(out, key=lambda p: p.encode())


def run_set(name, miair, paths, work, env, oracle_out=None, extra=()):
    listing = os.path.join(work, name + ".list")
    with open(listing, "w") as f:
        f.write("\n".join(paths) + "\n")
    c_out = os.path.join(work, name + ".c.jsonl")
    o_out = os.path.join(work, name + ".oracle.jsonl")
    with open(listing) as fin, open(c_out, "w") as fout:
        rc = subprocess.run([miair, "analyze", "--format", "jsonl", *extra, "-"], stdin=fin, stdout=fout,
                            env=env).returncode
    if rc != 0:
        print(f"{name}: miair exited {rc}")
        return 0, len(paths)
    if oracle_out:  # the oracle's records of the same files, computed before
        o_out = oracle_out
    else:
        with open(listing) as fin, open(o_out, "w") as fout:
            subprocess.run([sys.executable, os.path.join(TOOLS, "oracle.py"), "-"], stdin=fin, stdout=fout,
                           check=True)
    cmp = subprocess.run([sys.executable, os.path.join(TOOLS, "compare.py"), c_out, o_out],
                         capture_output=True, text=True)
    lines = cmp.stdout.strip().splitlines()
    last = lines[-1] if lines else ""
    if cmp.returncode != 0:
        print("\n".join(lines[:60]))
    try:
        p, f = last.replace(",", "").split()[0::2]
        passed, failed = int(p), int(f)
    except ValueError:
        print(f"{name}: could not read compare output: {last!r}")
        return 0, len(paths)
    print(f"{name}: {len(paths)} documents, {passed} equal, {failed} different")
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--miair", required=True)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--require-docs", action="store_true", help="fail when a documentation set is missing")
    args = ap.parse_args()
    env = dict(os.environ)
    total_p = total_f = 0
    with tempfile.TemporaryDirectory(prefix="miair-diff-") as work:
        gen = os.path.join(work, "generated")
        subprocess.run([sys.executable, os.path.join(TOOLS, "gencorpus.py"), "--seed", str(args.seed),
                        "--count", str(args.count), "--out", gen], check=True)
        p, f = run_set("generated", args.miair, files_of(gen, ""), work, env)
        total_p += p
        total_f += f
        # the same documents analyzed in tiny windows (state carried across 64..333-byte windows),
        # and streamed from mapped files (every file above the 1-byte threshold)
        for name, w, extra in (("window64", 64, ()), ("window333", 333, ()),
                               ("streamed-window64", 64, ("--stream-threshold", "1"))):
            wenv = dict(env, MIAIR_WINDOW_BYTES=str(w))
            p, f = run_set(f"generated-{name}", args.miair, files_of(gen, ""), work, wenv,
                           oracle_out=os.path.join(work, "generated.oracle.jsonl"), extra=extra)
            total_p += p
            total_f += f
        if not args.no_docs:
            for name, path, _ in DOC_SETS:
                if not os.path.isdir(path):
                    print(f"{name}: not installed ({path}); skipped")
                    if args.require_docs:
                        total_f += 1
                    continue
                p, f = run_set(name, args.miair, files_of(path), work, env)
                total_p += p
                total_f += f
    print(f"{total_p} passed, {total_f} failed")
    return 0 if total_f == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
