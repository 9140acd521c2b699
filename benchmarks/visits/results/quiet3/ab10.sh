#!/bin/bash
# d = 4f0ae84, e = chunked packed decoders + 64 KiB read buffer: bench history-depth, d first in each pair (ab7 put e first).
out=/tmp/ab10; mkdir -p $out
run() { local name=$1; local wt=$2; shift 2
  local a=$(/tmp/cpu.sh); local t0=$(date +%s.%N); uptime > $out/$name.uptime
  (cd $wt && /usr/bin/time -v "$@" > $out/$name.out 2> $out/$name.err); local rc=$?
  local b=$(/tmp/cpu.sh); local t1=$(date +%s.%N); uptime >> $out/$name.uptime
  echo "$name rc=$rc wall=$(echo "$t1-$t0"|bc) machine_busy_s=$(echo "($b-$a)/100"|bc -l) $(date +%T)" >> $out/summary.txt; }
export APDB_HOME=/tmp/hdq
cd /work/wt-d && ./apdb up > /dev/null
for round in 1 2 3 4; do
  for arm in d e; do
    run hd-$arm-$round /work/wt-$arm ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$arm-$round --json
  done
done
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
