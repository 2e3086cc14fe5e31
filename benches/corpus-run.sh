#!/usr/bin/env bash
# The documented corpus run (see BENCHMARKS.md): builds release binaries,
# generates a realistic corpus if there is none, and measures `report` with
# and without crops, on one and two threads, beside the hardware floors for
# the same bytes, measured in the same run. Prints a Markdown table.
#
#   benches/corpus-run.sh [COUNT]      (default 2000; corpus in target/corpus-COUNT)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
corpus=target/corpus-$count
out=target/corpus-run
bin=target/release

cargo build --release --locked -p eid-audit -p eid-testkit -p eid-bench >&2
if [ ! -f "$corpus/manifest.csv" ]; then
  "$bin/eid-testkit" corpus "$corpus" --count "$count" --realistic >&2
fi
bytes=$(find "$corpus/" -name '*.zip' -printf '%s\n' | awk '{s+=$1} END {print s}')
cat $(find "$corpus/" -name '*.zip') > /dev/null # warm the page cache: every run reads from memory

# Wall-clock seconds of one `report` run with the given options. The previous
# output is removed (and flushed) first, outside the timing.
timed_report() {
  rm -rf "$out"; sync
  { /usr/bin/time -f %e "$bin/eid-audit" report "$corpus" --out "$out" "$@" >/dev/null || true; } 2>&1 | tail -n1
}
# median of three runs
median3() { for _ in 1 2 3; do timed_report "$@"; done | sort -n | sed -n 2p; }
floor() { "$bin/floor" "$@" | cut -f4; }

hash2=$(floor hash "$corpus" --jobs 2); hash1=$(floor hash "$corpus" --jobs 1)
openssl2=$( { /usr/bin/time -f %e sh -c "find '$corpus/' -name '*.zip' -print0 | xargs -0 -P2 -n $((count / 2 + 1)) openssl dgst -sha256 > /dev/null"; } 2>&1 | tail -n1)
r2=$(median3 --jobs 2); r1=$(median3 --jobs 1)
dec2=$(floor decode "$corpus" --jobs 2); dec1=$(floor decode "$corpus" --jobs 1)
c2=$(timed_report --jobs 2 --crops); c1=$(timed_report --jobs 1 --crops)
crops_bytes=$(du -sb "$out/crops" | cut -f1)

rss() { rm -rf "$out"; sync; { /usr/bin/time -f %M "$bin/eid-audit" report "$@" --out "$out" --jobs 2 >/dev/null || true; } 2>&1 | tail -n1; }
rss_n=$(rss "$corpus")
# Ten symbolic links to every archive: ten times the inputs, the same bytes on disk.
big=target/corpus-x10
if [ ! -d "$big" ]; then
  for k in 0 1 2 3 4 5 6 7 8 9; do mkdir -p "$big/$k"; cp -as "$(realpath "$corpus")"/. "$big/$k/"; done
fi
rss_10n=$(rss "$big")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$count" -v s="$1" -v b="$bytes" 'BEGIN { printf "%.0f archives/s, %.0f MB/s", n / s, b / 1e6 / s }'; }
cat <<TABLE
Corpus: $count archives, $((bytes / 1000000)) MB ($(nproc) cores, $(uname -m)).

| run | seconds | throughput | ratio |
|---|---|---|---|
| floor: read + SHA-256, 2 threads | $hash2 | $(rate "$hash2") | 1.00 |
| floor: read + SHA-256, 1 thread | $hash1 | $(rate "$hash1") | |
| reference: \`openssl dgst -sha256\`, 2 processes | $openssl2 | $(rate "$openssl2") | $(ratio "$openssl2" "$hash2") × floor |
| \`report --jobs 2\` | $r2 | $(rate "$r2") | **$(ratio "$r2" "$hash2") × floor** |
| \`report --jobs 1\` | $r1 | $(rate "$r1") | $(ratio "$r1" "$hash1") × 1-thread floor |
| \`--jobs 2\` speed-up over \`--jobs 1\` | | | **$(ratio "$r1" "$r2") ×** |
| floor: decode the sides the crops need (the fronts), 2 threads | $dec2 | $(rate "$dec2") | 1.00 |
| floor: decode the sides the crops need (the fronts), 1 thread | $dec1 | $(rate "$dec1") | |
| \`report --crops --jobs 2\` | $c2 | $(rate "$c2") | **$(ratio "$c2" "$dec2") × decode floor** |
| \`report --crops --jobs 1\` | $c1 | $(rate "$c1") | $(ratio "$c1" "$dec1") × 1-thread decode floor |
| \`--crops\`: \`--jobs 2\` speed-up | | | $(ratio "$c1" "$c2") × |

Crops written: $((crops_bytes / 1000000)) MB. Peak memory (\`/usr/bin/time\` max RSS) of \`report --jobs 2\`: $((rss_n / 1024)) MB for $count archives, $((rss_10n / 1024)) MB for $((count * 10)).
TABLE
