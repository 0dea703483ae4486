#!/bin/bash
# A throwaway single-node Slurm for test_sweep: munged, slurmctld and slurmd, everything (key,
# sockets, state, logs, config) inside DIR, on ports of its own, without systemd. Needs root
# and Debian's slurmctld, slurmd, slurm-client and munge.
#   slurm_single_node.sh DIR start   # prints the SLURM_CONF to use once the node is idle
#   slurm_single_node.sh DIR stop    # stops the daemons it started (by their pid files)
set -euo pipefail
dir=$1
case $2 in
stop)   # and wait until they are gone (slurmctld saves its state first), at most 10 s each
  for daemon in slurmd slurmctld munged; do
    [ -f "$dir/$daemon.pid" ] || continue
    pid=$(cat "$dir/$daemon.pid")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null && [ -f "$dir/$daemon.pid" ] || break; sleep 0.2; done
  done
  exit 0 ;;
start) ;;
*) echo "usage: $0 DIR start|stop" >&2; exit 2 ;;
esac

mkdir -p "$dir/state" "$dir/spool"
chmod 700 "$dir"
dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
chmod 600 "$dir/munge.key"
munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
       --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"

host=$(hostname -s)
port=$((20000 + $$ % 20000))   # slurmctld on port, slurmd on port + 1
cat > "$dir/slurm.conf" <<EOF
ClusterName=lockstep-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0,bf_interval=1,batch_sched_delay=0,default_queue_depth=1000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" -i          # daemons: they write their pid files
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  if sinfo -h -o %t 2>/dev/null | grep -qx idle; then echo "$SLURM_CONF"; exit 0; fi
  sleep 0.2
done
echo "slurm_single_node.sh: the node did not become idle within 20 s; logs in $dir" >&2
exit 1
