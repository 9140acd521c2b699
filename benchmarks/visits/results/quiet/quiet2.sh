#!/bin/bash
cd /work/wt-cpu
out=/tmp/quietruns2; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
run warm ./apdb bench visits --preset fov --months 12 --visits 1 --clients 8 --out $out/warm --json
for i in 1 2 3 4; do run bv$i ./apdb bench visits --preset fov --months 12 --visits 5 --clients 8 --out $out/bv$i --json; done
./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for i in 1 2 3; do run hd$i ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd$i --json; done
./apdb down > /dev/null
