#!/usr/bin/env bash
# Time and peak memory of every hostile input (the committed set and the
# large ones) through the release binary: `inspect`, `report`, `crops`.
# SECURITY.md records its output; the tests assert the memory ceilings.
#
#   benches/hostile-resources.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p eid-audit -p eid-testkit >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/eid-testkit hostile "$work/in" --large >/dev/null
bin=target/release/eid-audit
echo "| input | bytes | inspect | report | crops |"
echo "|---|---:|---|---|---|"
for f in "$work"/in/*.zip; do
  row="| $(basename "$f") | $(stat -c %s "$f")"
  for cmd in inspect report crops; do
    rm -rf "$work/out"
    case $cmd in
      inspect) args=(inspect "$f") ;;
      report) args=(report "$f" --out "$work/out") ;;
      crops) args=(crops "$f" --out "$work/out") ;;
    esac
    # exit code, seconds, peak resident kB
    /usr/bin/time -o "$work/time" -f '%x %e %M' "$bin" "${args[@]}" >/dev/null 2>&1 || true
    # GNU time puts "Command exited with non-zero status N" first when N > 0.
    read -r code secs kb < <(tail -n1 "$work/time")
    row="$row | $code, ${secs} s, $((kb / 1024)) MB"
  done
  echo "$row |"
done
