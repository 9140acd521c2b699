#!/bin/bash
# d = 4f0ae84 (main's code), e = chunked packed decoders + 64 KiB read buffer (spin left at the default), ABBA on a fresh load.
out=/tmp/ab9; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
cd /work/wt-d && ./apdb up > /dev/null
run load /work/wt-d ./apdb load-history --preset fov --months 12 --seed 1 --replace
P="owner_psql /tmp/bvq"
$P -qc "ANALYZE" ; echo "analyzed $(date +%T)" >> $out/summary.txt
one() { $P -qc "CHECKPOINT"; run bv-$1-$2 /work/wt-$1 ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1-$2 --json; }
for round in 1 2 3; do
  one e $round; one d $round; one d $((round+10)); one e $((round+10))
done
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
