#!/usr/bin/env bash
# End-to-end tests of the `miair` program: exit codes, error records, the
# walk, the formats. Usage: test_cli.sh PATH/TO/miair [PYTHON3]
# Ends with "N passed, M failed"; exits non-zero when anything failed.
set -u

MIAIR=${1:?usage: test_cli.sh PATH/TO/miair [PYTHON3]}
PY=${2:-}
if [ -z "$PY" ] || ! command -v "$PY" >/dev/null 2>&1; then PY=$(command -v python3 || true); fi
case "$MIAIR" in /*) ;; *) MIAIR="$PWD/$MIAIR" ;; esac
if [ -z "$PY" ]; then echo "note: python3 not found; the JSON content checks are skipped" >&2; fi

T=$(mktemp -d "${TMPDIR:-/tmp}/miair-cli-test.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); }
bad() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }
# check NAME COMMAND...: passes when COMMAND succeeds
check() { local name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }

TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then TIMEOUT=(timeout 60); fi

# run [ARGS...]: runs miair with stdin from /dev/null unless IN is set;
# stdout -> out, stderr -> err, exit status -> RC
RC=0
run() {
    if [ -n "${IN:-}" ]; then
        "${TIMEOUT[@]}" "$MIAIR" "$@" <"$IN" >out 2>err; RC=$?
    else
        "${TIMEOUT[@]}" "$MIAIR" "$@" </dev/null >out 2>err; RC=$?
    fi
}
rc_is() { [ "$RC" -eq "$1" ] || { echo "  exit status $RC, expected $1; stderr:" >&2; head -5 err >&2; return 1; }; }
lines_are() { local n; n=$(wc -l <out); [ "$n" -eq "$1" ] || { echo "  $n lines, expected $1" >&2; return 1; }; }
grep_q() { grep -q -- "$@"; }

# py_check FILE EXPR: python evaluates EXPR with `recs` = the JSONL records of FILE
# (or `doc` = the JSON document when FILE ends in .json)
py_check() {
    if [ -z "$PY" ]; then return 0; fi
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
data = open(path, "rb").read().decode("utf-8")
if path.endswith(".json"):
    doc = json.loads(data)
    recs = doc
else:
    assert data == "" or data.endswith("\n"), "output does not end with a newline"
    recs = [json.loads(l) for l in data.split("\n")[:-1]]
ids = [r["document_id"] for r in recs]
errs = [r for r in recs if "error" in r]
if not eval(expr):
    print("  python check failed:", expr, "ids:", ids, file=sys.stderr)
    sys.exit(1)
PYEOF
}

# ---------------------------------------------------------------- fixtures
mkdir -p docs/sub docs/zz
printf '# Title\n\n## Introduction\n\nThis document explains the system. It has examples.\n' >docs/a.md
printf 'Plain text file.\nTODO: write more.\n' >docs/b.txt
printf 'Title\n=====\n\nSome reStructuredText.\n' >docs/c.rst
printf '# Markdown\n\nLong extension.\n' >docs/d.markdown
printf 'int main(void) { return 0; }\n' >docs/e.c
printf '## Sub\n\nNested file with `code`.\n' >docs/sub/f.md
printf 'zz\n' >docs/zz/g.txt
: >empty.md
printf 'nul\000byte\000text\n' >nul.md
printf 'bad \377\376 utf8 \300\200 and \355\240\200 surrogate\n' >badutf8.md
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\001\000\000\000\220\033' >binary.bin
printf 'x%.0s' $(seq 1 2000) >big.md   # 2000 bytes

# ---------------------------------------------------------------- help, version, usage
run --help;            check "--help exits 0" rc_is 0
for opt in --stdin --format --include --exclude --max-bytes --last-updated --output -o --quiet --help --version; do
    check "--help mentions $opt" grep_q "$opt" out
done
run analyze --help;    check "analyze --help exits 0" rc_is 0
check "analyze --help shows usage" grep_q "Usage: miair analyze" out
run --version;         check "--version exits 0" rc_is 0
check "--version prints 'miair X.Y.Z'" grep -Eq '^miair [0-9]+\.[0-9]+\.[0-9]+$' out

run analyze --no-such-option docs;   check "unknown option exits 2" rc_is 2
check "unknown option named" grep_q "no-such-option" err
check "unknown option hint" grep_q "Try 'miair --help'" err
check "usage error writes no record" lines_are 0
run analyze -Z docs;                 check "unknown short option exits 2" rc_is 2
run analyze docs --format;           check "missing argument exits 2" rc_is 2
check "missing argument named" grep_q "format" err
run analyze --format xml docs;       check "bad --format value exits 2" rc_is 2
check "bad value named" grep_q "xml" err
run analyze --max-bytes 12Q docs;    check "bad --max-bytes value exits 2" rc_is 2
run analyze --max-bytes -1 docs;     check "negative --max-bytes exits 2" rc_is 2
run analyze;                         check "no PATH exits 2" rc_is 2
check "no PATH hint" grep_q "Try 'miair --help'" err
run;                                 check "no command exits 2" rc_is 2
run frobnicate;                      check "unknown command exits 2" rc_is 2
run --bogus;                         check "unknown top-level option exits 2" rc_is 2
run analyze --stdin -;               check "--stdin with '-' exits 2" rc_is 2
run analyze --last-updated=yes docs; check "flag with a value exits 2" rc_is 2

# ---------------------------------------------------------------- a clean directory walk
run analyze --format jsonl docs
check "directory: exit 0" rc_is 0
check "directory: one line per matched file" lines_are 6
check "directory: sorted ids, default include set" py_check out \
    'ids == ["docs/a.md","docs/b.txt","docs/c.rst","docs/d.markdown","docs/sub/f.md","docs/zz/g.txt"]'
check "directory: full records" py_check out \
    'all(list(r)[:2] == ["document_id","content_preview"] and "entropy_stats" in r and "quality_metrics" in r for r in recs)'
check "directory: nothing on stderr" test ! -s err

run analyze docs/
check "trailing slash: ids joined without '//'" py_check out 'ids[0] == "docs/a.md" and len(ids) == 6'

run analyze docs
check "not a TTY: default format is jsonl" py_check out 'len(recs) == 6'

run analyze docs/e.c
check "explicit file analyzed regardless of extension" rc_is 0
check "explicit file: one record" py_check out 'ids == ["docs/e.c"] and not errs'

run analyze ./docs/../docs/a.md
check "document_id is the path as given" py_check out 'ids == ["./docs/../docs/a.md"]'

# ---------------------------------------------------------------- include / exclude
run analyze --include '*.c' docs
check "--include replaces the default set" py_check out 'ids == ["docs/e.c"]'
run analyze --include '*.c' --include 'a.*' docs
check "--include is repeatable" py_check out 'ids == ["docs/a.md","docs/e.c"]'
run analyze --exclude 'a.*' --exclude '*.rst' docs
check "--exclude filters files" py_check out 'ids == ["docs/b.txt","docs/d.markdown","docs/sub/f.md","docs/zz/g.txt"]'
run analyze --exclude sub docs
check "--exclude skips directories" py_check out '"docs/sub/f.md" not in ids and len(ids) == 5'
run analyze --include '*.md' --exclude 'f.md' docs
check "--exclude wins over --include" py_check out 'ids == ["docs/a.md"]'
run analyze --exclude '*.md' docs/a.md
check "explicit files ignore --exclude" py_check out 'ids == ["docs/a.md"]'

# ---------------------------------------------------------------- unusual content is analyzed
run analyze empty.md nul.md badutf8.md binary.bin
check "empty/NUL/invalid UTF-8/binary: exit 0" rc_is 0
check "empty/NUL/invalid UTF-8/binary: one record each, no error" py_check out \
    'ids == ["empty.md","nul.md","badutf8.md","binary.bin"] and not errs'
check "empty file: quality 0, no patterns" py_check out \
    'recs[0]["quality_metrics"]["overall"] == 0 and recs[0]["patterns"] == []'
check "NUL bytes are text" py_check out '"\x00" in recs[1]["content_preview"]'
check "invalid UTF-8 becomes U+FFFD" py_check out '"\ufffd" in recs[2]["content_preview"]'

# ---------------------------------------------------------------- error records
run analyze docs/a.md missing.md docs/b.txt
check "missing file: exit 1" rc_is 1
check "missing file: one line per input" lines_are 3
check "missing file: error record in place" py_check out \
    'ids == ["docs/a.md","missing.md","docs/b.txt"] and list(recs[1]) == ["document_id","error"] and len(errs) == 1'
check "missing file: stderr line" grep_q "miair: missing.md: " err
run analyze --quiet missing.md
check "--quiet: exit 1" rc_is 1
check "--quiet: no stderr line" test ! -s err
check "--quiet: record still written" lines_are 1

if [ "$(id -u)" != 0 ]; then
    printf 'secret\n' >unreadable.md; chmod 000 unreadable.md
    mkdir -p closed; printf 'x\n' >closed/x.md; chmod 000 closed
    run analyze unreadable.md closed docs/a.md
    check "unreadable file/dir: exit 1" rc_is 1
    check "unreadable file/dir: error records" py_check out \
        'ids == ["unreadable.md","closed","docs/a.md"] and len(errs) == 2'
    chmod 755 closed; chmod 644 unreadable.md
else
    echo "note: running as root; skipping the unreadable-file checks" >&2
fi

mkdir -p loop/sub; printf '# a\n' >loop/a.md; printf '# b\n' >loop/sub/b.md; ln -s .. loop/sub/up
run analyze loop
check "directory loop: exit 1" rc_is 1
check "directory loop: terminates with one error record" py_check out \
    'ids == ["loop/a.md","loop/sub/b.md","loop/sub/up"] and [e["document_id"] for e in errs] == ["loop/sub/up"]'
check "directory loop: stderr line" grep_q "miair: loop/sub/up: " err
mkdir -p selfloop; ln -s . selfloop/me
run analyze selfloop
check "self loop: one error record" py_check out 'ids == ["selfloop/me"] and len(errs) == 1'

run analyze --max-bytes 1K big.md docs/a.md
check "--max-bytes: exit 1" rc_is 1
check "--max-bytes: error record for the big file only" py_check out \
    'ids == ["big.md","docs/a.md"] and [e["document_id"] for e in errs] == ["big.md"]'
run analyze --max-bytes 2000 big.md
check "--max-bytes: equal size is fine" rc_is 0
run analyze --max-bytes=1999 big.md
check "--max-bytes=N form" rc_is 1
IN=big.md run analyze --max-bytes 100 --stdin; IN=
check "--max-bytes applies to --stdin" py_check out 'ids == ["-"] and len(errs) == 1'
check "--max-bytes on --stdin: exit 1" rc_is 1

if command -v mkfifo >/dev/null 2>&1; then
    mkfifo pipe.md
    mkdir -p withfifo; mkfifo withfifo/p.md; mkfifo withfifo/p.bin; printf '# ok\n' >withfifo/ok.md
    run analyze pipe.md withfifo
    check "fifo: does not block, exit 1" rc_is 1
    check "fifo: error records (explicit, and matched in a directory)" py_check out \
        'ids == ["pipe.md","withfifo/ok.md","withfifo/p.md"] and [e["document_id"] for e in errs] == ["pipe.md","withfifo/p.md"]'
fi
run analyze /dev/null
check "character device: error record" py_check out 'ids == ["/dev/null"] and len(errs) == 1'

ln -s nowhere.md dangling.md
mkdir -p dang; ln -s ../nowhere.md dang/x.md; ln -s ../nowhere.c dang/y.c
run analyze dangling.md dang
check "dangling symlinks: errors only for wanted names" py_check out \
    'ids == ["dangling.md","dang/x.md"] and len(errs) == 2'

# every input yields exactly one line
run analyze docs/a.md missing.md empty.md loop big.md --max-bytes 1K nul.md
check "mixed inputs: exactly one line per input" py_check out \
    'ids == ["docs/a.md","missing.md","empty.md","loop/a.md","loop/sub/b.md","loop/sub/up","big.md","nul.md"]'
check "mixed inputs: exit 1" rc_is 1

# ---------------------------------------------------------------- stdin
printf '# From stdin\n\nSome text here.\n' >stdin.txt
IN=stdin.txt run analyze --stdin; IN=
check "--stdin: exit 0" rc_is 0
check "--stdin: one record with document_id '-'" py_check out 'ids == ["-"] and not errs'
IN=stdin.txt run analyze --stdin docs/a.md; IN=
check "--stdin then PATHs" py_check out 'ids == ["-","docs/a.md"]'
cat out >stdin.jsonl
run analyze stdin.txt
check "--stdin record equals the file's (but the id)" py_check out \
    '[dict(r, document_id=0) for r in recs] == [dict(json.loads(l), document_id=0) for l in open("stdin.jsonl")][:1]'
printf '' >emptyin
IN=emptyin run analyze --stdin; IN=
check "--stdin: empty input is analyzed" py_check out 'ids == ["-"] and not errs'

printf 'docs/a.md\n\nmissing.md\ndocs/sub\n' >list.txt
IN=list.txt run analyze -; IN=
check "'-': path list from stdin, exit 1 (one missing)" rc_is 1
check "'-': one record per listed input" py_check out 'ids == ["docs/a.md","missing.md","docs/sub/f.md"]'
printf 'docs/e.c' >list2.txt
IN=list2.txt run analyze docs/b.txt - ; IN=
check "'-': mixed with PATHs, last line without newline, listed files unfiltered" py_check out \
    'ids == ["docs/b.txt","docs/e.c"] and not errs'

# ---------------------------------------------------------------- formats
run analyze --format json docs missing.md
check "json: exit 1 (one missing)" rc_is 1
cp out out.json
check "json: parses as an array of all records" py_check out.json \
    'isinstance(doc, list) and len(doc) == 7 and ids[-1] == "missing.md" and len(errs) == 1'
if [ -n "$PY" ]; then
    check "json: python3 -c 'import json' loads it" "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list)' out
fi
run analyze --format jsonl docs missing.md
cp out both.jsonl
check "json and jsonl hold the same records" py_check both.jsonl \
    'recs == json.load(open("out.json"))'
run analyze --format json missing.md --quiet
cp out one.json
check "json: one record" py_check one.json 'len(doc) == 1'
run analyze --format json --include nothing docs
cp out none.json
check "json: no records is []" py_check none.json 'doc == []'
run analyze --format jsonl --include nothing docs
check "jsonl: no records is empty output" lines_are 0
check "no records: exit 0" rc_is 0

run analyze --format table docs missing.md
check "table: exit 1" rc_is 1
check "table: header" grep -q '^ *code_pts .*path$' out
check "table: rows with gate" grep -Eq '(PASS|FAIL) .* docs/a\.md$' out
check "table: error row" grep -q 'ERROR.*missing.md' out
check "table: totals line" grep -Eq '^total: 7 documents \(6 analyzed, 1 error\), [0-9]+ bytes, [0-9]+ pass(es)? the gate, [0-9.]+ s, [0-9.]+ docs/s$' out
check "table: header + 7 rows + totals" lines_are 9

if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$MIAIR' analyze docs" /dev/null </dev/null >tty.out 2>&1
    check "terminal: default format is table" grep -q 'total: 6 documents' tty.out
    script -qec "'$MIAIR' analyze -o tty.jsonl docs" /dev/null </dev/null >/dev/null 2>&1
    check "-o FILE on a terminal: default format is jsonl" py_check tty.jsonl 'len(recs) == 6'
fi

run analyze -o result.jsonl docs
check "-o: exit 0" rc_is 0
check "-o: nothing on stdout" lines_are 0
check "-o: file holds the records" py_check result.jsonl 'len(recs) == 6'
run analyze --output=result2.jsonl --format json docs
cp result2.jsonl r2.json
check "--output=FILE json parses" py_check r2.json 'len(doc) == 6'
run analyze -o nodir/x.jsonl docs
check "-o into a missing directory: exit 1" rc_is 1

# --last-updated adds the accuracy sub-score
run analyze docs/a.md; cp out plain.jsonl
run analyze --last-updated docs/a.md; cp out lu.jsonl
check "--last-updated adds an accuracy sub-score" py_check lu.jsonl \
    'len(recs[0]["quality_metrics"]["sub_scores"]["accuracy"]) == len(json.loads(open("plain.jsonl").readline())["quality_metrics"]["sub_scores"]["accuracy"]) + 1'

# ---------------------------------------------------------------- output errors
if [ -w /dev/full ]; then
    run analyze -o /dev/full docs
    check "full disk: exit 1" rc_is 1
    check "full disk: message" grep_q "write error" err
fi
mkdir -p many
for i in $(seq 1 300); do printf '# Doc %d\n\nSome text for document %d. TODO fix.\n' "$i" "$i" >many/"$(printf '%03d' "$i")".md; done
"${TIMEOUT[@]}" "$MIAIR" analyze many 2>err | head -c 1 >/dev/null
st=(${PIPESTATUS[@]})
check "closed pipe: exit 1, no signal death (got ${st[0]})" test "${st[0]}" -eq 1
check "closed pipe: message" grep_q "write error" err

# ---------------------------------------------------------------- batch runtime: -j
"$MIAIR" gen --size small --complexity normal --count 40 --seed 3 --out jdocs >/dev/null 2>&1
"$MIAIR" gen --size large --complexity complex --count 5 --seed 4 --out jdocs >/dev/null 2>&1
cp empty.md nul.md badutf8.md jdocs/
run analyze -j 1 jdocs docs/a.md missing.md loop big.md --max-bytes 15K
cp out j1.jsonl; cp err j1.err; RC1=$RC
check "-j 1: records for every input" py_check j1.jsonl \
    'len(recs) == 54 and len(errs) == 7 and sum("too large" in e["error"] for e in errs) == 5'
for j in 2 3 8 0; do
    run analyze -j $j jdocs docs/a.md missing.md loop big.md --max-bytes 15K
    check "-j $j: output identical to -j 1" cmp -s out j1.jsonl
    check "-j $j: same exit status" test "$RC" -eq "$RC1"
    check "-j $j: same stderr lines" cmp -s err j1.err
done
run analyze --jobs=2 --format json jdocs
cp out jj.json
check "--jobs=2 json parses, input order" py_check jj.json 'len(doc) == 48 and ids == sorted(ids)'
run analyze -j2 --format table jdocs
check "-j2 table: totals line" grep -Eq '^total: 48 documents \(48 analyzed, 0 errors\)' out
grep -v '^total' out >table-j2.txt
run analyze -j 1 --format table jdocs
grep -v '^total' out >table-j1.txt
check "-j table rows equal for 1 and 2 threads" cmp -s table-j1.txt table-j2.txt
IN=stdin.txt run analyze -j 2 --stdin docs/a.md; IN=
check "-j 2 --stdin: the stdin document first" py_check out 'ids == ["-","docs/a.md"] and not errs'
run analyze -j x docs;     check "-j x: usage error" rc_is 2
run analyze -j -1 docs;    check "-j -1: usage error" rc_is 2
run analyze -j;            check "-j without value: usage error" rc_is 2
run analyze --jobs 99999 docs; check "--jobs too large: usage error" rc_is 2
run analyze -j 1 jdocs; cp out jd1.jsonl
OMP_NUM_THREADS=1 run analyze jdocs
check "OMP_NUM_THREADS=1: same output" cmp -s out jd1.jsonl
run analyze --metrics omp.prom jdocs
OMP_NUM_THREADS=1 run analyze --metrics omp1.prom jdocs
check "OMP_NUM_THREADS=1 is honoured" grep -qx 'miair_threads 1' omp1.prom

# ---------------------------------------------------------------- --metrics, --stats
run analyze -j 2 --metrics m.prom docs missing.md
check "--metrics: exit 1 (one missing)" rc_is 1
check "--metrics: records still written" lines_are 7
check "--metrics: analyzed counter" grep -qx 'miair_documents_total{outcome="analyzed"} 6' m.prom
check "--metrics: error counter" grep -qx 'miair_documents_total{outcome="error"} 1' m.prom
check "--metrics: errors" grep -qx 'miair_errors_total 1' m.prom
check "--metrics: bytes" grep -Eqx 'miair_bytes_total [1-9][0-9]*' m.prom
check "--metrics: cache hits 0 without a cache" grep -qx 'miair_cache_hits_total 0' m.prom
check "--metrics: cache HELP says 0 without a cache" grep -q '# HELP miair_cache_hits_total.*0 when no cache is used' m.prom
check "--metrics: cache misses" grep -qx 'miair_cache_misses_total 0' m.prom
check "--metrics: read seconds" grep -Eq '^miair_stage_seconds_total\{stage="read"\} [0-9.e+-]+$' m.prom
check "--metrics: analyze seconds" grep -Eq '^miair_stage_seconds_total\{stage="analyze"\} [0-9.e+-]+$' m.prom
check "--metrics: threads (2, or 1 in a build without OpenMP)" grep -Eqx 'miair_threads [12]' m.prom
check "--metrics: every sample has HELP and TYPE" bash -c \
    'for n in $(grep -v "^#" m.prom | sed "s/[{ ].*//" | sort -u); do grep -q "^# HELP $n " m.prom && grep -q "^# TYPE $n \(counter\|gauge\)$" m.prom || exit 1; done'
check "--metrics: nothing but the error line on stderr" test "$(wc -l <err)" -eq 1
run analyze --metrics nodir/m.prom docs/a.md
check "--metrics into a missing directory: exit 1" rc_is 1
check "--metrics into a missing directory: message" grep_q "nodir/m.prom" err
check "--metrics into a missing directory: record written" lines_are 1
run analyze -j 1 --stats docs missing.md
check "--stats: exit 1" rc_is 1
check "--stats: records on stdout" lines_are 7
check "--stats: table on stderr" grep -Eq '^documents_analyzed +6$' err
check "--stats: read and analyze seconds" bash -c 'grep -q "^read_seconds " err && grep -q "^analyze_seconds " err'
check "--stats: threads" grep -Eq '^threads +1$' err
check "--stats: cache row" grep -q 'cache_hits' err

# ---------------------------------------------------------------- --cache-dir
run analyze -j 2 --cache-dir cache1 --metrics c1.prom jdocs missing.md
cp out c1.jsonl; RCC=$RC
check "--cache-dir cold: same records as without a cache" bash -c 'grep -v missing.md c1.jsonl | cmp -s - jd1.jsonl'
check "--cache-dir cold: misses" grep -qx 'miair_cache_misses_total 48' c1.prom
check "--cache-dir cold: exit 1 (one missing)" test "$RCC" -eq 1
run analyze -j 2 --cache-dir cache1 --metrics c2.prom jdocs missing.md
check "--cache-dir warm: byte-identical records" cmp -s out c1.jsonl
check "--cache-dir warm: hits" grep -qx 'miair_cache_hits_total 48' c2.prom
check "--cache-dir warm: cache counters in the metrics" grep -q '^# TYPE miair_cache_' c2.prom
run analyze -j 1 --cache-dir cache1 --format table jdocs
grep -v '^total' out >table-cached.txt
check "--cache-dir warm: table rows from the cache equal" cmp -s table-cached.txt table-j1.txt
run analyze --cache-dir cache1 --stats docs/a.md
check "--cache-dir --stats: cache rows" grep -q '^cache_' err
: >notadir
run analyze --cache-dir notadir/x docs/a.md
check "--cache-dir unusable: exit 1" rc_is 1
check "--cache-dir unusable: message" grep_q "notadir/x" err
# a second run on an unchanged tree: every record from the cache (per --stats), nothing analyzed
run analyze -j 2 --cache-dir cache2 jdocs; cp out s1.jsonl
run analyze -j 2 --cache-dir cache2 --stats jdocs
check "--cache-dir second run: identical output" cmp -s out s1.jsonl
check "--cache-dir second run: identical to no cache" cmp -s out jd1.jsonl
check "--cache-dir second run: all hits per --stats" grep -Eq '^cache_hits +48$' err
check "--cache-dir second run: no misses per --stats" grep -Eq '^cache_misses +0$' err
check "--cache-dir second run: nothing analyzed" grep -Eq '^analyze_seconds +0$' err
check "--cache-dir second run: store hits, no corrupt files" \
    bash -c 'grep -Eq "^cache_store_hits +48$" err && grep -Eq "^cache_corrupt +0$" err'
run analyze -j 1 --cache-dir cache2 --format json jdocs
check "--cache-dir: json array from the cache equals" cmp -s out jj.json
# the same content under other names (one needs escaping): hits, each with its own document_id
mkdir -p twins; cp docs/a.md 'twins/we"ird\name.md'; cp docs/a.md twins/plain.md; cp docs/b.txt twins/zz.txt
run analyze -j 1 twins docs/a.md; cp out tw0.jsonl
run analyze -j 1 --cache-size 8 --stats twins docs/a.md
check "--cache-size: same content, other names: identical records" cmp -s out tw0.jsonl
check "--cache-size: repeated content hits in memory" grep -Eq '^cache_memory_hits +2$' err
check "--cache-size alone: no store" grep -Eq '^cache_store_writes +0$' err
run analyze -j 2 --cache-dir cache3 --cache-size 0 --stats twins docs/a.md
check "--cache-size 0: identical records" cmp -s out tw0.jsonl
run analyze -j 2 --cache-dir cache3 --cache-size 0 --stats twins docs/a.md
check "--cache-size 0 --cache-dir: store hits only" \
    bash -c 'grep -Eq "^cache_store_hits +4$" err && grep -Eq "^cache_memory_hits +0$" err'
check "--cache-size 0 --cache-dir: identical records" cmp -s out tw0.jsonl
# a damaged cache file: ignored (counted as corrupt), the record is analyzed again and the file rewritten
f=$(find cache3 -type f ! -name CACHEDIR.TAG | head -1)
if [ -n "$PY" ] && [ -n "$f" ]; then
    "$PY" -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$f"
    run analyze -j 1 --cache-dir cache3 --stats twins docs/a.md
    check "--cache-dir corrupt file: identical records" cmp -s out tw0.jsonl
    check "--cache-dir corrupt file: counted" grep -Eq '^cache_corrupt +1$' err
    run analyze -j 1 --cache-dir cache3 --stats twins docs/a.md
    check "--cache-dir corrupt file: rewritten" \
        bash -c 'grep -Eq "^cache_corrupt +0$" err && grep -Eq "^cache_hits +4$" err'
fi
run analyze --cache-size x docs/a.md;   check "--cache-size x: usage error" rc_is 2
run analyze --cache-size -1 docs/a.md;  check "--cache-size -1: usage error" rc_is 2
run analyze --help;                     check "--help names --cache-size" grep_q "--cache-size" out

# ---------------------------------------------------------------- progress bar (terminals only)
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$MIAIR' analyze -o tty-progress.jsonl jdocs" /dev/null </dev/null >tty-progress.out 2>&1
    check "progress bar on a terminal stderr" grep -q 'docs/s.*ETA' tty-progress.out
    check "progress bar: records unaffected" py_check tty-progress.jsonl 'len(recs) == 48'
    script -qec "'$MIAIR' analyze --quiet -o tty-quiet.jsonl jdocs" /dev/null </dev/null >tty-quiet.out 2>&1
    check "--quiet: no progress bar" bash -c '! grep -q ETA tty-quiet.out'
    script -qec "'$MIAIR' analyze --no-progress -o tty-np.jsonl jdocs" /dev/null </dev/null >tty-np.out 2>&1
    check "--no-progress: no progress bar" bash -c '! grep -q ETA tty-np.out'
fi
run analyze --progress jdocs
check "--progress forces the bar on a non-terminal" grep -q 'ETA' err
run analyze jdocs
check "no progress bar when stderr is not a terminal" test ! -s err

# ---------------------------------------------------------------- miair gen
run gen --size medium --complexity complex --count 4 --seed 11 --out gen1
check "gen: exit 0" rc_is 0
check "gen: four files" test "$(ls gen1 | wc -l)" -eq 4
check "gen: names" test -f gen1/medium-complex-000003.md
run gen --size medium --complexity complex --count 4 --seed 11 --out gen2
check "gen: same seed, same bytes" diff -r gen1 gen2
run gen --size small --count 2 --seed 11 --out nest/a//b/
check "gen: --out creates the missing parents" test -f nest/a/b/small-normal-000001.md
: > plainfile
run gen --size small --count 2 --seed 11 --out plainfile/x
check "gen: a file in the --out path is an error" rc_is 1
check "gen: ... that says what is in the way" grep -q "Not a directory" err
run gen --size medium --complexity complex --count 4 --seed 12 --out gen3
check "gen: another seed, other bytes" bash -c '! cmp -s gen1/medium-complex-000000.md gen3/medium-complex-000000.md'
check "gen: documents of one run differ" bash -c '! cmp -s gen1/medium-complex-000000.md gen1/medium-complex-000001.md'
cat >check_seed.py <<'PYEOF'
import os, sys
d, size, cx = sys.argv[1], sys.argv[2], sys.argv[3]
words = {"small": 100, "medium": 500, "large": 2000, "xlarge": 10000}[size]
simple = "system process data user interface".split()
normal = simple + "module function parameter configuration implementation".split()
complex_ = normal + "architecture optimization performance scalability reliability security authentication authorization".split()
vocab = {"simple": simple, "normal": normal, "complex": complex_}[cx]
HEADER = ("# Document Title\n\n## Introduction\n\nThis document provides comprehensive information about the "
          "system architecture and implementation. It covers various aspects, features, and best practices "
          "for optimal usage. \n\n## Main Content\n\n")
CODE = ("\n\n## Code Example\n\n```python\ndef example_function(param1, param2):\n    "
        + "'" * 3 + "Example function implementation." + "'" * 3
        + "\n    result = param1 + param2\n    return result\n```\n\n")
END = "\n\n## Conclusion\n\nThis concludes the comprehensive documentation."
files = sorted(os.listdir(d))
assert len(files) == 2, files
for f in files:
    t = open(os.path.join(d, f), encoding="utf-8").read()
    assert t.startswith(HEADER), "header"
    assert t.endswith(END), "conclusion"
    body = t[len(HEADER):len(t) - len(END)]
    if cx in ("normal", "complex"):
        assert body.endswith(CODE), "code example"
        body = body[:-len(CODE)]
    else:
        assert "```" not in body
    paras = body.split("\n\n")
    assert paras[-1] == "", "paragraphs end with a blank line"
    paras = paras[:-1]
    assert len(paras) == words // 50, (len(paras), words // 50)
    for p in paras:
        sents = p.split(".  ")
        assert len(sents) == 5, len(sents)
        assert sents[-1].endswith(". ")
        sents[-1] = sents[-1][:-2]
        for s in sents:
            ws = s.split(" ")
            assert len(ws) == 10 and all(w in vocab for w in ws), s
PYEOF
for shape in "small simple" "medium normal" "large complex" "xlarge normal"; do
    set -- $shape
    "$MIAIR" gen --size "$1" --complexity "$2" --count 2 --seed 5 --out "gen-$1-$2" >/dev/null 2>&1
    if [ -n "$PY" ]; then
        check "gen $1 $2: SPEC section 6 structure" "$PY" check_seed.py "gen-$1-$2" "$1" "$2"
    fi
done
run gen --size huge --out genx;             check "gen: bad size is a usage error" rc_is 2
run gen --complexity odd --out genx;        check "gen: bad complexity is a usage error" rc_is 2
run gen --count 3;                          check "gen: missing --out is a usage error" rc_is 2
run gen --count x --out genx;               check "gen: bad count is a usage error" rc_is 2
run gen --help;                             check "gen --help exits 0" rc_is 0
check "gen --help names the options" grep_q "--complexity" out
run gen --out plainfile/sub --count 1;      check "gen: uncreatable directory: exit 1" rc_is 1

# ---------------------------------------------------------------- streaming (--stream-threshold)
run analyze --format jsonl docs;                              cp out plain.jsonl
run analyze --format jsonl --stream-threshold 1 docs;         check "stream: exit 0" rc_is 0
check "stream: same records as reading whole files" cmp -s out plain.jsonl
run analyze --stream-threshold 0 docs;                        check "stream: zero threshold is a usage error" rc_is 2
run analyze --stream-threshold 12Q docs;                      check "stream: bad threshold is a usage error" rc_is 2

# ---------------------------------------------------------------- miair bench (a tiny run)
run bench --help;                           check "bench --help exits 0" rc_is 0
run bench --runs 0;                         check "bench: bad --runs is a usage error" rc_is 2
run bench --runs 1 --seconds 0.01 --pool-mb 1 --no-plots --out bres
check "bench: exit 0" rc_is 0
check "bench: machine line" grep -q '^machine: ' out
check "bench: command line" grep -q '^command:  miair bench --runs 1' out
check "bench: counting is stated" grep -q 'full record' out
check "bench: M003 published figure" grep -q '383,436' out
check "bench: scaling table" grep -q 'worker scaling' out
check "bench: M009 table with 1000 documents" grep -Eq '^ +1000 ' out
check "bench: cache scenario labelled as cache hits" grep -q 'cache scenario: CACHE HITS, not analyses' out
check "bench: CSV files" test -s bres/throughput.csv -a -s bres/scaling.csv -a -s bres/m009.csv
if [ -n "$PY" ]; then
    check "bench: results.json" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["by_size"]["medium"]["docs_per_s"] > 0
assert len(d["m009"]) == 5 and all(r["all_full_records"] for r in d["m009"])
assert d["cache"]["label"] == "cache hits, not analyses" and d["cache"]["warm_memory_hits_per_s"] > 0
assert d["published"]["m003_docs_per_min_10_cores"] == 383436' bres/results.json
fi

# ---------------------------------------------------------------- miair cpu
run cpu;                                    check "cpu: exit 0" rc_is 0
check "cpu: the chosen ISA" grep -Eq '^chosen: +(scalar|avx2|avx512|neon) ' out
check "cpu: the word hashing job" grep -q '^  word hashing ' out
run cpu --list-isas;                        check "cpu --list-isas: exit 0" rc_is 0
check "cpu --list-isas: scalar listed" grep -qx scalar out
MIAIR_ISA=bogus run cpu;                    check "cpu: unknown MIAIR_ISA is an error" rc_is 1
check "cpu: unknown MIAIR_ISA is named" grep -q 'MIAIR_ISA=bogus' err

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
