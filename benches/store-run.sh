#!/usr/bin/env bash
# Reading a store from object storage (see BENCHMARKS.md): `report s3://…`
# against the floor of the same work with nothing else (list + GET +
# SHA-256, with the same requests in flight, on the same server), both
# interleaved, five runs each, medians compared.
#
#   benches/store-run.sh [COUNT] [REQUESTS]   (default 2000 archives, 16 requests)
#
# The server is s3s-fs (crates.io; `cargo install s3s-fs --features binary`)
# serving the corpus folder as a bucket, or moto's server mode when s3s-fs
# is not installed (the corpus is then uploaded first).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
requests=${2:-16}
corpus=target/corpus-$count
out=target/store-run
bin=target/release
cargo build --release --locked -p eid-audit -p eid-testkit -p eid-bench >&2
if [ ! -f "$corpus/manifest.csv" ]; then
  "$bin/eid-testkit" corpus "$corpus" --count "$count" --realistic >&2
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ALLOW_HTTP=true
root=target/store-run-root
rm -rf "$root"; mkdir -p "$root"
if command -v s3s-fs >/dev/null 2>&1; then
  server="s3s-fs $(s3s-fs --version | awk '{print $2}')"
  cp -al "$(realpath "$corpus")" "$root/corpus" 2>/dev/null || cp -a "$corpus" "$root/corpus"
  s3s-fs --host 127.0.0.1 --port "$port" --access-key bench --secret-key bench "$root" >/dev/null 2>&1 &
else
  server="moto $(python3 -c 'import moto; print(moto.__version__)')"
  python3 -m moto.server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
fi
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null; do sleep 0.1; done
if [[ $server == moto* ]]; then
  python3 - "$corpus" <<'PY'
import sys, os, boto3, concurrent.futures as cf
s3 = boto3.client("s3")
s3.create_bucket(Bucket="corpus")
files = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith(".zip")]
def put(p):
    s3.upload_file(p, "corpus", os.path.relpath(p, sys.argv[1]))
with cf.ThreadPoolExecutor(16) as ex:
    list(ex.map(put, files))
PY
fi
url=s3://corpus/

timed() { # "wall cpu" of one command
  rm -rf "$out"; sync
  /usr/bin/time -o "$out.time" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
  tail -n1 "$out.time" | awk '{ printf "%.3f %.2f", $1, $2 + $3 }'
}
floors=(); reports=()
for _ in 1 2 3 4 5; do
  floors+=("$(timed "$bin/floor" store "$url" --requests "$requests")")
  reports+=("$(timed "$bin/eid-audit" report "$url" --out "$out" -q --requests "$requests" --fail-on error)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
f=$(median "${floors[@]}"); r=$(median "${reports[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rows=$(($(wc -l < "$out/archives.csv") - 1))
echo "server: $server on loopback, $count archives ($rows rows), --requests $requests, $(nproc) cores"
echo
echo "| run (median of 5, interleaved) | wall s | CPU s | × floor |"
echo "|---|---|---|---|"
echo "| floor: list + GET + SHA-256 | ${f% *} | ${f#* } | 1.00 |"
echo "| \`report $url --requests $requests\` | ${r% *} | ${r#* } | $(ratio "${r% *}" "${f% *}") |"
