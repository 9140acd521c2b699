#!/bin/bash
# Clients: the same build (c4781e3, worktree /work/wt-f), --clients 8 against --clients 4, ABBA on one fresh load.
out=/tmp/ab11; mkdir -p $out
run() { local name=$1; local wt=$2; shift 2
  local a=$(/tmp/cpu.sh); local t0=$(date +%s.%N); uptime > $out/$name.uptime
  (cd $wt && /usr/bin/time -v "$@" > $out/$name.out 2> $out/$name.err); local rc=$?
  local b=$(/tmp/cpu.sh); local t1=$(date +%s.%N); uptime >> $out/$name.uptime
  echo "$name rc=$rc wall=$(echo "$t1-$t0"|bc) machine_busy_s=$(echo "($b-$a)/100"|bc -l) $(date +%T)" >> $out/summary.txt; }
export APDB_HOME=/tmp/bvq
cd /tmp/bvq; export PGPASSWORD=$(cat secret); P="psql -h 127.0.0.1 -p $(cat port) -U apdb -d apdb"
one() { $P -qc "CHECKPOINT"; run bv-c$1-$2 /work/wt-f ./apdb bench visits --preset fov --months 12 --visits 4 --clients $1 --out $out/bv-c$1-$2 --json; }
for round in 1 2; do
  one 8 $round; one 4 $round; one 4 $((round+10)); one 8 $((round+10))
done
echo done >> $out/summary.txt
