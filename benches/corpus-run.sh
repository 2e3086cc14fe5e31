#!/usr/bin/env bash
# The documented corpus run (see BENCHMARKS.md): builds release binaries,
# generates a realistic corpus of each layout if there is none, and measures
# `report` with and without crops, on one and two threads, beside the
# hardware floors for the same bytes and the Python peers, all measured in
# the same run. Prints Markdown tables: wall seconds, and CPU seconds (user +
# system), which stay comparable when the machine is not quiet.
#
# The layouts (eid-testkit corpus --layout): `deflated`, every member
# deflated, images included; `stored`, images stored; `native`, half the
# archives the provider's native results, the selfie base64 inside the JSON.
# The first table is every layout against the floor and the peers; the
# second is the deflated layout in detail.
#
#   benches/corpus-run.sh [COUNT]      (default 2000; corpora in target/corpus-COUNT-LAYOUT)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
out=target/corpus-run
bin=target/release

cargo build --release --locked -p eid-audit -p eid-testkit -p eid-bench >&2
for layout in deflated stored native; do
  if [ ! -f "target/corpus-$count-$layout/manifest.csv" ]; then
    "$bin/eid-testkit" corpus "target/corpus-$count-$layout" --count "$count" --realistic --layout "$layout" >&2
  fi
done
corpus=target/corpus-$count-deflated
bytes=$(find "$corpus/" -name '*.zip' -printf '%s\n' | awk '{s+=$1} END {print s}')
warm() { find "$1/" -name '*.zip' -print0 | xargs -0 cat > /dev/null; } # every run reads from memory

# "wall cpu" of one command; the previous output is removed (and flushed)
# first, outside the timing.
timed() {
  rm -rf "$out"; sync
  /usr/bin/time -o "$out.time" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
  tail -n1 "$out.time" | awk '{ printf "%.2f %.2f", $1, $2 + $3 }'
}
# median of three runs, by wall time
median3of() { for _ in 1 2 3; do timed "$@"; echo; done | sort -n | sed -n 2p; }
report() { timed "$bin/eid-audit" report "$corpus" --out "$out" -q "$@"; }
median3() { median3of "$bin/eid-audit" report "$corpus" --out "$out" -q "$@"; }
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.2f", a / b; else printf "-" }'; }
has_pil=$(python3 -c "import PIL" 2>/dev/null && echo yes || echo no)

# Every layout: report against the floor, against the floor that also
# inflates what the outputs need (`floor inflate`: the JSON whole, 4 KiB of
# each image), and against the Python peer; crops into folders against the
# Python + Pillow peer; each median of three. Then the bounds: the floors
# that inflate and decode what the outputs need, against the floor and the
# crops peer (what the targets allow on this machine).
layouts=""
bounds=""
for layout in deflated stored native; do
  c=target/corpus-$count-$layout
  warm "$c"
  lh=$(median3of "$bin/floor" hash "$c" --jobs 2)
  li=$(median3of "$bin/floor" inflate "$c" --jobs 2)
  lr=$(median3of "$bin/eid-audit" report "$c" --out "$out" -q --jobs 2)
  lp=$(median3of python3 benches/report_peer.py "$c" "$out" 2)
  lc=$(median3of "$bin/eid-audit" report "$c" --out "$out" -q --jobs 2 --crops)
  if [ "$has_pil" = yes ]; then lcp=$(median3of python3 benches/crops_peer.py "$c" "$out" 2); else lcp="- -"; fi
  ld=$(median3of "$bin/floor" decode "$c" --jobs 2)
  lx=$(median3of "$bin/floor" pixels "$c" --jobs 2)
  bounds="$bounds
| $layout | **$(ratio "$(wall "$li")" "$(wall "$lh")") ×** | $(wall "$ld") | **$(ratio "$(wall "$lcp")" "$(wall "$ld")") ×** | $(wall "$lx") | $(ratio "$(wall "$lcp")" "$(wall "$lx")") × |"
  layouts="$layouts
| $layout | $(wall "$lh") | $(wall "$lr") | **$(ratio "$(wall "$lr")" "$(wall "$lh")") ×** | $(wall "$li") | $(ratio "$(wall "$lr")" "$(wall "$li")") × | $(wall "$lp") | $(ratio "$(wall "$lp")" "$(wall "$lr")") × | $(wall "$lc") | $(wall "$lcp") | **$(ratio "$(wall "$lcp")" "$(wall "$lc")") ×** |"
done
warm "$corpus"

hash2=$(timed "$bin/floor" hash "$corpus" --jobs 2); hash1=$(timed "$bin/floor" hash "$corpus" --jobs 1)
openssl2=$(timed sh -c "find '$corpus/' -name '*.zip' -print0 | xargs -0 -P2 -n $((count / 2 + 1)) openssl dgst -sha256")
r2=$(median3 --jobs 2); r1=$(median3 --jobs 1)
dec2=$(timed "$bin/floor" decode "$corpus" --jobs 2); dec1=$(timed "$bin/floor" decode "$corpus" --jobs 1)
c2=$(report --jobs 2 --crops); crops_bytes=$(du -sb "$out/crops" | cut -f1)
c1=$(report --jobs 1 --crops)
z2=$(report --jobs 2 --crops --crops-into zip)
if [ "$has_pil" = yes ]; then
  peer=$(timed python3 benches/crops_peer.py "$corpus" "$out" 2)
else
  peer="- -"
fi

rss() { rm -rf "$out"; sync; /usr/bin/time -o "$out.time" -f %M "$bin/eid-audit" report "$@" --out "$out" --jobs 2 -q >/dev/null 2>&1 || true; tail -n1 "$out.time"; }
rss_n=$(rss "$corpus")
# Ten symbolic links to every archive: ten times the inputs, the same bytes on disk.
big=target/corpus-$count-deflated-x10
if [ ! -d "$big" ]; then
  for k in 0 1 2 3 4 5 6 7 8 9; do mkdir -p "$big/$k"; cp -as "$(realpath "$corpus")"/. "$big/$k/"; done
fi
rss_10n=$(rss "$big")
rss_crops=$(rss "$corpus" --crops)

rate() { awk -v n="$count" -v s="$1" -v b="$bytes" 'BEGIN { if (s > 0) printf "%.0f archives/s, %.0f MB/s", n / s, b / 1e6 / s; else print "-" }'; }
row() { # label, measurement, floor measurement, floor name
  echo "| $1 | $(wall "$2") | $(cpu "$2") | $(rate "$(wall "$2")") | $(ratio "$(wall "$2")" "$(wall "$3")") × $4 (CPU $(ratio "$(cpu "$2")" "$(cpu "$3")") ×) |"
}
cat <<TABLE
Every layout, $count archives each, 2 threads or processes, wall seconds (median of three):

| layout | floor: read + SHA-256 | \`report\` | report / floor | floor + inflating what the outputs need | report / that | peer: \`benches/report_peer.py\` | peer / report | \`report --crops\` (folders) | peer: \`benches/crops_peer.py\` | crops peer / report |
|---|---|---|---|---|---|---|---|---|---|---|$layouts

What the targets allow, same run. \`report\` cannot come nearer the floor
than \`floor inflate\` does (it must inflate what it reads), and
\`report --crops\` cannot be faster than decoding the fronts as it decodes
them (\`floor decode\`: header checks, the walk that proves every block is
coded, the pixels); \`floor pixels\` decodes the same fronts with the same
decoder and no checks:

| layout | least report / floor: \`floor inflate\` / floor (target ≤ 1.2) | \`floor decode\` | most crops peer / report: peer / \`floor decode\` (target ≥ 2) | \`floor pixels\` | peer / \`floor pixels\` |
|---|---|---|---|---|---|$bounds

The deflated layout in detail.

Corpus: $count archives, $((bytes / 1000000)) MB ($(nproc) cores, $(uname -m)).

| run | wall s | CPU s | throughput | ratio |
|---|---|---|---|---|
| floor: read + SHA-256, 2 threads | $(wall "$hash2") | $(cpu "$hash2") | $(rate "$(wall "$hash2")") | 1.00 |
| floor: read + SHA-256, 1 thread | $(wall "$hash1") | $(cpu "$hash1") | $(rate "$(wall "$hash1")") | |
$(row "reference: \`openssl dgst -sha256\`, 2 processes" "$openssl2" "$hash2" "floor")
$(row "**\`report --jobs 2\`**" "$r2" "$hash2" "floor")
$(row "\`report --jobs 1\`" "$r1" "$hash1" "1-thread floor")
| \`--jobs 2\` speed-up over \`--jobs 1\` | | | | **$(ratio "$(wall "$r1")" "$(wall "$r2")") ×** |
| floor: decode the sides the crops need (the fronts), 2 threads | $(wall "$dec2") | $(cpu "$dec2") | $(rate "$(wall "$dec2")") | 1.00 |
| floor: decode the sides the crops need (the fronts), 1 thread | $(wall "$dec1") | $(cpu "$dec1") | $(rate "$(wall "$dec1")") | |
$(row "**\`report --crops --jobs 2\`** (SVG annotations, folders)" "$c2" "$dec2" "decode floor")
$(row "\`report --crops --jobs 1\`" "$c1" "$dec1" "1-thread decode floor")
$(row "**\`report --crops --crops-into zip --jobs 2\`**" "$z2" "$dec2" "decode floor")
| peer: \`benches/crops_peer.py\`, 2 processes (zipfile + Pillow, crops only) | $(wall "$peer") | $(cpu "$peer") | $(rate "$(wall "$peer")") | folders $(ratio "$(wall "$peer")" "$(wall "$c2")") ×, zip $(ratio "$(wall "$peer")" "$(wall "$z2")") × slower than eid-audit (CPU $(ratio "$(cpu "$peer")" "$(cpu "$c2")") ×, $(ratio "$(cpu "$peer")" "$(cpu "$z2")") ×) |

Crops written: $((crops_bytes / 1000000)) MB. Peak memory (max RSS) of \`report --jobs 2\`: $((rss_n / 1024)) MB for $count archives, $((rss_10n / 1024)) MB for $((count * 10)); with \`--crops\`: $((rss_crops / 1024)) MB.
TABLE
