#!/bin/bash
# bench history-depth, p = 0c9cfa0 (/work/main, Nullable<T> record fields) against c = compact records (/work/wt-h);
# one APDB home (the bench loads its own history each run; both builds are at migration 0017); ABBA.
out=/tmp/ab15; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/hdm
dir_p=/work/main; dir_c=/work/wt-h
one() { local d=dir_$1; run hd-$1-$2 ${!d} ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$1-$2 --json; }
for round in 1 2; do
  one p $round; one c $round; one c $((round+10)); one p $((round+10))
done
echo done >> $out/summary.txt
