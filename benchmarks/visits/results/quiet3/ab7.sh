#!/bin/bash
# d = 4f0ae84 (main's code), e = chunked packed decoders + 64 KiB read buffer + thread-pool spin limit 0.
out=/tmp/ab7; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
cd /work/wt-d && APDB_HOME=/tmp/bvq ./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for round in 1 2 3 4; do
  for arm in e d; do
    run hd-$arm-$round /work/wt-$arm ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$arm-$round --json
  done
done
./apdb down > /dev/null
export APDB_HOME=/tmp/bvq
./apdb up > /dev/null
run load /work/wt-d ./apdb load-history --preset fov --months 12 --seed 1 --replace
P="owner_psql /tmp/bvq"
$P -qc "ANALYZE" ; echo "analyzed $(date +%T)" >> $out/summary.txt
for round in 1 2 3 4; do
  for arm in d e; do
    $P -qc "CHECKPOINT"
    run bv-$arm-$round /work/wt-$arm ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$arm-$round --json
  done
done
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
