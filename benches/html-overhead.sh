#!/usr/bin/env bash
# What `report --html` adds to `report`, on the realistic corpus: the median
# of five runs of each, interleaved (without, with, with under --pii full), on
# two threads. Each run writes a new folder under OUT (default
# target/html-overhead; give a tmpfs such as /dev/shm/html-overhead to leave
# the disk out), everything written so far flushed first; the folders are
# removed only at the end, because on ext4 creating thousands of files right
# after deleting thousands costs seconds of kernel time (inode allocation
# skips recently deleted inodes), whatever writes them.
# Prints a Markdown table for BENCHMARKS.md.
#
#   benches/html-overhead.sh [COUNT [OUT]]     # default 2000 target/html-overhead
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
corpus=target/corpus-$count
out=${2:-target/html-overhead}
rm -rf "$out"; mkdir -p "$out"
cargo build --release --locked -p eid-audit -p eid-testkit >/dev/null 2>&1
bin=target/release
if [ ! -d "$corpus" ]; then
  "$bin/eid-testkit" corpus "$corpus" --count "$count" --realistic >/dev/null
fi
cat "$corpus"/*/*.zip >/dev/null 2>&1 || find "$corpus" -name '*.zip' -exec cat {} + >/dev/null

# Seconds of one run into the new folder $out/$1 with the options that follow.
timed() {
  local name=$1; shift; sync
  { /usr/bin/time -f %e "$bin/eid-audit" report "$corpus" --out "$out/$name" --jobs 2 --quiet "$@" >/dev/null || true; } 2>&1 | tail -n1
}
plain=(); html=(); full=()
for i in 1 2 3 4 5; do
  plain+=("$(timed "plain-$i")"); html+=("$(timed "html-$i" --html)"); full+=("$(timed "full-$i" --html --pii full)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
p=$(median "${plain[@]}"); h=$(median "${html[@]}"); f=$(median "${full[@]}")
pct() { awk -v a="$1" -v b="$p" 'BEGIN { printf "%+.0f %%", (a / b - 1) * 100 }'; }
pages=$(du -sb "$out/html-1/html" | cut -f1)
rm -rf "$out"
cat <<TABLE
| run ($count archives, 2 threads) | runs (s) | median (s) | added |
|---|---|---|---|
| \`report --jobs 2\` | ${plain[*]} | $p | |
| \`report --jobs 2 --html\` | ${html[*]} | $h | **$(pct "$h")** |
| \`report --jobs 2 --html --pii full\` | ${full[*]} | $f | $(pct "$f") |

html/ written (default \`--pii omit\`): $((pages / 1000)) kB.
TABLE
