#!/bin/bash
# The thread pool's idle spin: DOTNET_ThreadPool_UnfairSemaphoreSpinLimit unset (s, the runtime's default of 70) against 0
# (z), one build (e60fe61 in the worktree /work/wt-16), ABBA. bench history-depth on its own home (/tmp/hdm, loads its
# own history each run), then bench visits on one fresh 12-month fov load (/tmp/bvq), 8 clients, 4 visits a run.
out=/tmp/ab16; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
wt=/work/wt-16
hd() { if [ $1 = z ]; then export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0; else unset DOTNET_ThreadPool_UnfairSemaphoreSpinLimit; fi
  APDB_HOME=/tmp/hdm run hd-$1-$2 $wt ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$1-$2 --json; }
bv() { if [ $1 = z ]; then export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0; else unset DOTNET_ThreadPool_UnfairSemaphoreSpinLimit; fi
  APDB_HOME=/tmp/bvq run bv-$1-$2 $wt ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1-$2 --json; }
for round in 1 2; do hd s $round; hd z $round; hd z $((round+10)); hd s $((round+10)); done
unset DOTNET_ThreadPool_UnfairSemaphoreSpinLimit
(cd $wt && APDB_HOME=/tmp/bvq ./apdb load-history --preset fov --months 12 --seed 1 --replace > $out/load.out 2>&1); owner_psql /tmp/bvq -qc ANALYZE > /dev/null 2>&1
for round in 1 2 3; do bv s $round; bv z $round; bv z $((round+10)); bv s $((round+10)); done
echo done >> $out/summary.txt
