#!/bin/bash
# 2x2: read buffer (d = Npgsql's 8 KiB, e = 64 KiB) x thread-pool spin (default, 0), history-depth on /tmp/hdq.
out=/tmp/ab6; mkdir -p $out
run() { local name=$1; local wt=$2; shift 2
  local a=$(/tmp/cpu.sh); local t0=$(date +%s.%N); uptime > $out/$name.uptime
  (cd $wt && /usr/bin/time -v "$@" > $out/$name.out 2> $out/$name.err); local rc=$?
  local b=$(/tmp/cpu.sh); local t1=$(date +%s.%N); uptime >> $out/$name.uptime
  echo "$name rc=$rc wall=$(echo "$t1-$t0"|bc) machine_busy_s=$(echo "($b-$a)/100"|bc -l) $(date +%T)" >> $out/summary.txt; }
export APDB_HOME=/tmp/hdq
cd /work/wt-d && ./apdb up > /dev/null
for round in 1 2; do
  for arm in d e dspin espin; do
    wt=/work/wt-${arm:0:1}
    if [[ $arm == *spin ]]; then export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0; else unset DOTNET_ThreadPool_UnfairSemaphoreSpinLimit; fi
    run hd-$arm-$round $wt ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$arm-$round --json
  done
done
unset DOTNET_ThreadPool_UnfairSemaphoreSpinLimit
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
