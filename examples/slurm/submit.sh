#!/usr/bin/env bash
# Submits the audit of STORE in N shards as a Slurm array job, and the merge
# as a job that waits for all of it (afterok), into OUT/1 … OUT/N and
# OUT/merged; each job's output is in OUT/logs/. Prints the two job ids,
# "ARRAY_JOB MERGE_JOB". The binary is $EID_AUDIT, or eid-audit on the PATH.
#
#   examples/slurm/submit.sh STORE OUT N
#
# STORE and OUT must be paths every node sees the same (a shared file
# system); on a single node any folder does. A shard that exits non-zero
# leaves the merge never run: --kill-on-invalid-dep cancels it rather than
# leave it pending. To merge anyway, and read the errors from the merged
# report, submit the merge with afterany instead.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 STORE OUT N" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=${EID_AUDIT:-$(command -v eid-audit || true)}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "$0: no eid-audit: put it on the PATH or set EID_AUDIT" >&2
  exit 2
fi
# Absolute paths: the jobs start in another folder, maybe on another node.
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
case $1 in
  *://*) store=$1 ;; # a store URL (s3://bucket/prefix) is the same everywhere
  *) store=$(cd "$1" && pwd) ;;
esac
mkdir -p "$2/logs"
out=$(cd "$2" && pwd)
n=$3
case $n in '' | *[!0-9]* | 0) echo "$0: N must be a positive number" >&2; exit 2 ;; esac

array=$(sbatch --parsable --array="1-$n" --chdir="$out" \
  --output="$out/logs/shard-%a.out" \
  "$here/shard.sbatch" "$bin" "$store" "$out" "$n")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --chdir="$out" --output="$out/logs/merge.out" \
  "$here/merge.sbatch" "$bin" "$out" "$n")
merge=${merge%%;*}
echo "$array $merge"
