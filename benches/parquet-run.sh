#!/usr/bin/env bash
# What `report --parquet` adds to `report`, on the realistic corpus: five
# runs of each, interleaved (without, with), on two threads, the median
# wall time, CPU time (user + system, steadier on a busy machine) and peak
# memory (maximum resident set) of each. Each run
# writes a new folder under OUT (default target/parquet-run; a tmpfs such as
# /dev/shm/parquet-run leaves the disk out), everything written before
# flushed first; the folders are removed at the end.
# Prints a Markdown table for BENCHMARKS.md.
#
#   benches/parquet-run.sh [COUNT [OUT [CORPUS]]]   # default 2000 target/parquet-run target/corpus-COUNT
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
out=${2:-target/parquet-run}
corpus=${3:-target/corpus-$count}
rm -rf "$out"; mkdir -p "$out"
cargo build --release --locked -p eid-audit -p eid-testkit >/dev/null 2>&1
bin=target/release
if [ ! -d "$corpus" ]; then
  "$bin/eid-testkit" corpus "$corpus" --count "$count" --realistic >/dev/null
fi
find -L "$corpus" -name '*.zip' -exec cat {} + >/dev/null # warm the page cache

# "seconds max-rss-kB cpu-seconds" of one run into the new folder $out/$1.
timed() {
  local name=$1; shift; sync
  { /usr/bin/time -f '%e %M %U %S' "$bin/eid-audit" report "$corpus" --out "$out/$name" --jobs 2 --quiet "$@" >/dev/null || true; } 2>&1 \
    | tail -n1 | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}
plain=(); parquet=(); plain_rss=(); parquet_rss=(); plain_cpu=(); parquet_cpu=()
for i in 1 2 3 4 5; do
  read -r s m c < <(timed "plain-$i"); plain+=("$s"); plain_rss+=("$m"); plain_cpu+=("$c")
  read -r s m c < <(timed "parquet-$i" --parquet); parquet+=("$s"); parquet_rss+=("$m"); parquet_cpu+=("$c")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
p=$(median "${plain[@]}"); q=$(median "${parquet[@]}")
pc=$(median "${plain_cpu[@]}"); qc=$(median "${parquet_cpu[@]}")
pr=$(median "${plain_rss[@]}"); qr=$(median "${parquet_rss[@]}")
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f %%", (a / b - 1) * 100 }'; }
size() { du -cb "$@" | tail -n1 | cut -f1; }
csv=$(size "$out"/parquet-1/*.csv); pq=$(size "$out"/parquet-1/*.parquet)
rm -rf "$out"
cat <<TABLE
| run ($count archives, 2 threads) | wall runs (s) | median (s) | added | CPU median (s) | added | peak RSS (median) |
|---|---|---|---|---|---|---|
| \`report --jobs 2\` | ${plain[*]} | $p | | $pc | | $((pr / 1024)) MB |
| \`report --jobs 2 --parquet\` | ${parquet[*]} | $q | **$(pct "$q" "$p")** | $qc | **$(pct "$qc" "$pc")** | $((qr / 1024)) MB |

The five CSV files: $((csv / 1000)) kB; the five Parquet files: $((pq / 1000)) kB.
TABLE
