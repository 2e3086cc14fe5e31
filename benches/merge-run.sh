#!/usr/bin/env bash
# The time and peak memory of `merge` over SHARDS real shard reports of a
# generated corpus of COUNT archives (small images; every 97th archive
# broken, so the error rows are merged too): the shards are made by
# `report --shard K/SHARDS --jsonl`, one after the other on two threads,
# then merged once with /usr/bin/time -v. Prints a Markdown table for
# BENCHMARKS.md.
#
#   benches/merge-run.sh [COUNT [SHARDS [OUT]]]   # default 100000 20 target/merge-run
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
shards=${2:-20}
out=${3:-target/merge-run}
corpus=target/corpus-small-$count
cargo build --release --locked -p eid-audit -p eid-testkit >/dev/null 2>&1
bin=target/release
if [ ! -d "$corpus" ]; then
  gen=$( { /usr/bin/time -f %e "$bin/eid-testkit" corpus "$corpus" --count "$count" --broken-every 97 >/dev/null; } 2>&1 | tail -n1)
  echo "generated $count archives in $gen s" >&2
fi
rm -rf "$out"; mkdir -p "$out"
start=$(date +%s.%N)
for k in $(seq 1 "$shards"); do
  "$bin/eid-audit" report "$corpus" --out "$out/$k" --shard "$k/$shards" --jobs 2 --jsonl --fail-on error --quiet >/dev/null || true
done
audit=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
sync
/usr/bin/time -v "$bin/eid-audit" merge $(seq -f "$out/%g" 1 "$shards") --out "$out/merged" --fail-on error \
  >/dev/null 2>"$out/time.txt" </dev/null || true
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$out/time.txt")
rows=$(($(wc -l < "$out/merged/archives.csv") - 1))
bytes=$(du -sb --exclude=run.json --exclude=summary.txt "$out/merged" | cut -f1)
cat <<TABLE
| archives | shards | the shards' reports (report, 2 threads) | merge wall | merge CPU s | merge max RSS | merged files |
|---|---|---|---|---|---|---|
| $rows | $shards | $audit s | $wall | $cpu | $((rss / 1024)) MiB | $((bytes / 1048576)) MiB |
TABLE
