#!/usr/bin/env bash
# docs/min of the whole `miair analyze` command on files: the end-to-end
# complement of `miair bench` (which times the analysis of documents held in
# memory). Generates COUNT SPEC section 6 documents with `miair gen` (page
# cache warm), then times `miair analyze -j T DIR` (process start, engine
# creation, walk, stat, reading, analysis, JSON records written to /dev/null)
# RUNS times for T = 1 and T = all cores, and prints the median. Only full
# records count (from --metrics: miair_documents_total{outcome="analyzed"}).
#
# usage: perf/docsmin.sh [--miair PATH] [--count N] [--runs R] [--size SIZE] [--complexity C]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
miair=$root/build/frontends/cli/miair
count=5000
runs=5
size=medium
complexity=normal
while [ $# -gt 0 ]; do
    case $1 in
    --miair) miair=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --complexity) complexity=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "docsmin.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$miair" ] || { echo "docsmin.sh: $miair not found (build first, or --miair PATH)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/miair-docsmin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$miair" gen --size "$size" --complexity "$complexity" --count "$count" --seed 20261122 --out "$tmp/docs"
cat "$tmp"/docs/* >/dev/null   # warm the page cache
bytes=$(find "$tmp/docs" -type f -printf "%s\n" | awk "{s += \$1} END {print s}")
cores=$(nproc)

median() { sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "miair docsmin: $count $size/$complexity documents ($bytes bytes), $runs runs, median; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $cores cores"
echo "command: $miair analyze -j T --format jsonl --no-progress --metrics M DIR > /dev/null"
printf '%-8s %10s %14s %12s\n' threads seconds docs/min full
for t in 1 "$cores"; do
    secs=()
    full=0
    for _ in $(seq "$runs"); do
        s=$(date +%s.%N)
        "$miair" analyze -j "$t" --format jsonl --no-progress --metrics "$tmp/m.prom" "$tmp/docs" >/dev/null
        e=$(date +%s.%N)
        secs+=("$(echo "$e - $s" | bc -l)")
        full=$(sed -n 's/^miair_documents_total{outcome="analyzed"} //p' "$tmp/m.prom")
    done
    med=$(printf '%s\n' "${secs[@]}" | median)
    printf '%-8s %10.4f %14.0f %12s\n' "$t" "$med" "$(echo "$full / $med * 60" | bc -l)" "$full"
    [ "$t" = "$cores" ] && break
done
