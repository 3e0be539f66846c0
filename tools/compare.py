#!/usr/bin/env python3
"""Compare two JSONL files of miair records field by field.

Usage:
    python3 tools/compare.py A.jsonl B.jsonl [--tol 1e-9] [--max-diffs K]

Records are matched by position (line N of A with line N of B) and must have
the same document_id. Comparison is recursive: objects need the same keys in
the same order, lists the same length, strings and booleans equal, numbers
within |a - b| <= tol (an int and a float may be compared). For each differing
document the JSON paths of the first few differences are printed with both
values. The last line is exactly "N passed, M failed" (M counts documents that
differ or are missing on one side); the exit code is 0 iff M == 0.
"""

import argparse
import json
import sys


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def diff(a, b, path, tol, out, limit):
    """Appends (path, a, b) for each difference to out, stopping at limit."""
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        ka, kb = list(a.keys()), list(b.keys())
        if ka != kb:
            sa, sb = set(ka), set(kb)
            if sa == sb:
                out.append((path + " (key order)", ka, kb))
            else:
                out.append((path + " (keys)", sorted(sa - sb), sorted(sb - sa)))
            # still descend into the common keys
        for k in ka:
            if k in b:
                diff(a[k], b[k], f"{path}.{k}", tol, out, limit)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((path + " (length)", len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", tol, out, limit)
        return
    if _is_num(a) and _is_num(b):
        if not abs(a - b) <= tol:
            out.append((path, a, b))
        return
    if type(a) is not type(b) or a != b:
        out.append((path, a, b))


def _show(v, width=160):
    s = json.dumps(v, ensure_ascii=False)
    if len(s) > width:
        s = s[:width] + "..."
    return s


def _load(path):
    recs = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                recs.append(json.loads(line.decode("utf-8", "surrogateescape")))
            except ValueError as exc:
                recs.append({"__invalid_json__": f"{path}:{n}: {exc}"})
    return recs


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare two JSONL files of miair records.")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--max-diffs", type=int, default=5,
                    help="differences shown per document (default 5)")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(errors="backslashreplace")

    ra, rb = _load(args.a), _load(args.b)
    passed = failed = 0
    for i in range(max(len(ra), len(rb))):
        if i >= len(ra) or i >= len(rb):
            present = ra[i] if i < len(ra) else rb[i]
            side = args.b if i >= len(rb) else args.a
            doc = present.get("document_id", f"#{i + 1}") if isinstance(present, dict) else f"#{i + 1}"
            print(f"== record {i + 1} {doc}: missing in {side}")
            failed += 1
            continue
        a, b = ra[i], rb[i]
        ida = a.get("document_id") if isinstance(a, dict) else None
        idb = b.get("document_id") if isinstance(b, dict) else None
        uniq = []
        if ida != idb:
            uniq.append(("$.document_id", ida, idb))
        diff(a, b, "$", args.tol, uniq, args.max_diffs + 1)
        if ida != idb and len(uniq) > 1 and uniq[1][0] == "$.document_id":
            del uniq[1]
        if uniq:
            failed += 1
            print(f"== record {i + 1} {ida!r} vs {idb!r}")
            for p, x, y in uniq[:args.max_diffs]:
                print(f"  {p}:\n    A: {_show(x)}\n    B: {_show(y)}")
            if len(uniq) > args.max_diffs:
                print("  ...")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
