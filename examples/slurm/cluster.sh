#!/usr/bin/env bash
# A throw-away single-node Slurm cluster, for trying the recipe in
# docs/scheduling.md and for the test that runs it (tests/cli/slurm.rs).
# Everything lives under DIR: the munge key and socket, slurm.conf, the
# controller's state, the node's spool and the logs. Nothing in /etc is
# read or changed, so it runs beside a cluster the machine already has.
#
#   examples/slurm/cluster.sh start DIR   # then: export SLURM_CONF=DIR/slurm.conf
#   examples/slurm/cluster.sh stop DIR
#
# Needs Debian's slurm-wlm and munge (apt-get install slurm-wlm munge), and
# root: slurmd starts each job as the user who submitted it. The ports are
# SLURMCTLD_PORT and SLURMD_PORT (6817 and 6818 by default, Slurm's own);
# give free ones to run two clusters side by side.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
export SLURM_CONF=$dir/slurm.conf

# Stops what `start` started, by the pid files it wrote, and waits for the
# daemons to go: a second `start` on the same ports must find them free.
# All are signalled first, so their shut-downs overlap; what has not gone
# after 15 s is killed.
stop() {
  local name pids=()
  for name in slurmd slurmctld munged; do
    [ -f "$dir/run/$name.pid" ] || continue
    pids+=("$(cat "$dir/run/$name.pid")")
    rm -f "$dir/run/$name.pid"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  local pid alive
  for _ in $(seq 1 150); do
    alive=
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    [ -n "$alive" ] || return 0
    sleep 0.1
  done
  # slurmd waits long for a controller that is gone; it is ours to end.
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

start() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$0: slurmd launches jobs as their user, so this needs root" >&2
    exit 2
  fi
  local host cpus ctld_port slurmd_port
  # slurmd finds its node by the short host name; the address is given, so
  # the name need not resolve (a container's often does not).
  host=$(hostname -s)
  cpus=$(nproc)
  ctld_port=${SLURMCTLD_PORT:-6817}
  slurmd_port=${SLURMD_PORT:-6818}
  mkdir -p "$dir"/{munge,ctld,slurmd,log,run}
  # A start that fails half-way stops what it started.
  trap stop EXIT
  # munged refuses a key folder others can write, and warns of a socket
  # folder others cannot enter; the key itself is for root alone.
  chmod 755 "$dir/munge"
  if [ ! -f "$dir/munge/munge.key" ]; then
    mungekey --create --keyfile="$dir/munge/munge.key" --force
  fi
  chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" \
    --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"

  # The least Slurm runs with: no cgroups (a container has none to give),
  # no accounting database (jobs are read with scontrol while MinJobAge
  # keeps them), a finished job's record in a text file for the curious.
  cat >"$SLURM_CONF" <<EOF
ClusterName=eidaudit
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/slurmd
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

  slurmctld
  slurmd
  # Until the node is idle, or a daemon has died (a port in use, a bad
  # setting: its log says why), for at most a minute. sinfo itself waits for
  # a controller that does not answer, so it gets a few seconds a try.
  local state= name pid
  while [ "$SECONDS" -lt 60 ]; do
    state=$(timeout 5 sinfo --noheader --nodes="$host" --format=%T 2>/dev/null || true)
    if [ "$state" = idle ]; then
      trap - EXIT
      echo "slurm: node $host idle with $cpus CPUs; export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    for name in slurmctld slurmd; do
      pid=$(cat "$dir/run/$name.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
        echo "$0: $name stopped; its log:" >&2
        tail -n 5 "$dir/log/$name.log" >&2
        exit 1
      fi
    done
    sleep 0.2
  done
  echo "$0: node $host not idle after 60 s (state: ${state:-none}); logs in $dir/log" >&2
  exit 1
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
