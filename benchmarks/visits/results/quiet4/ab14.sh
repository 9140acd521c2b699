#!/bin/bash
# Compact records (nullable value columns as a field and a presence bit) against 62d7f53 (Nullable<T> fields), on one
# fresh 12-month fov load; p = 0c9cfa0 in /work/main (62d7f53 and a simulator refactor), c = the compact build in /work/wt-h; ABBA, 8 clients, 4 visits a run.
out=/tmp/ab14; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
dir_p=/work/main; dir_c=/work/wt-h
one() { local d=dir_$1; run bv-$1-$2 ${!d} ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1-$2 --json; }
for round in 1 2 3; do
  one p $round; one c $round; one c $((round+10)); one p $((round+10))
done
echo done >> $out/summary.txt
