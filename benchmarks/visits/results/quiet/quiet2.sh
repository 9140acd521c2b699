#!/bin/bash
cd /work/wt-cpu
out=/tmp/quietruns2; mkdir -p $out
run() { local name=$1; shift
  local a=$(/tmp/cpu.sh); local t0=$(date +%s.%N); uptime > $out/$name.uptime
  /usr/bin/time -v "$@" > $out/$name.out 2> $out/$name.err; local rc=$?
  local b=$(/tmp/cpu.sh); local t1=$(date +%s.%N); uptime >> $out/$name.uptime
  echo "$name rc=$rc wall=$(echo "$t1-$t0"|bc) machine_busy_s=$(echo "($b-$a)/100"|bc -l) $(grep -E 'User time|System time' $out/$name.err | awk '{printf "%s ", $NF}')" | tee -a $out/summary.txt; }
export APDB_HOME=/tmp/bvq
run warm ./apdb bench visits --preset fov --months 12 --visits 1 --clients 8 --out $out/warm --json
for i in 1 2 3 4; do run bv$i ./apdb bench visits --preset fov --months 12 --visits 5 --clients 8 --out $out/bv$i --json; done
./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for i in 1 2 3; do run hd$i ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd$i --json; done
./apdb down > /dev/null
