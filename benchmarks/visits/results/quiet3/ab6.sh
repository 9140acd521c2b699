#!/bin/bash
# 2x2: read buffer (d = Npgsql's 8 KiB, e = 64 KiB) x thread-pool spin (default, 0), history-depth on /tmp/hdq.
out=/tmp/ab6; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
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
