#!/bin/bash
out=/tmp/ab3; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq"
run warm /work/wt-b ./apdb bench visits --preset fov --months 12 --visits 1 --clients 8 --out $out/warm --json
for round in 1 2 3 4; do for side in a b; do
  $P -qc "CHECKPOINT"
  run bv-$side-$round /work/wt-$side ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$side-$round --json
done; done
cd /work/wt-a && ./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for round in 1 2 3; do for side in b a; do
  run hd-$side-$round /work/wt-$side ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$side-$round --json
done; done
./apdb down > /dev/null
echo done >> $out/summary.txt
