#!/bin/bash
. "$(dirname "$0")/../../abrun.sh"   # owner_psql HOME ARGS...
out=/tmp/finalruns; mkdir -p $out
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq"
for round in 1 2 3; do
  $P -qc "CHECKPOINT"; uptime > $out/bv$round.uptime
  (cd /work/wt-cpu && ./apdb bench visits --preset fov --months 12 --visits 5 --clients 8 --out $out/bv$round --json > /dev/null 2>$out/bv$round.err)
  echo "bv $round $(date +%T)" >> $out/log.txt
done
cd /work/wt-cpu && ./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for round in 1 2; do
  (cd /work/wt-cpu && ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd$round --json > /dev/null 2>$out/hd$round.err)
  echo "hd $round $(date +%T)" >> $out/log.txt
done
./apdb down > /dev/null
