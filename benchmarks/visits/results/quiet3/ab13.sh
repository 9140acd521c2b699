#!/bin/bash
# bench history-depth, f = c4781e3 (Rubin's plain diaObjectId index), m = main with migration 0017 (the index carries
# the summary columns); f first, ABBA. Its own APDB home (the bench loads its history), one per build.
out=/tmp/ab13; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
home_f=/tmp/hdq; home_m=/tmp/hdm   # separate homes: m migrates to 0017, which f refuses
one() { local h=home_$1; export APDB_HOME=${!h}; run hd-$1-$2 $3 ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$1-$2 --json; }
for round in 1 2; do
  one f $round /work/wt-f; one m $round /work/main; one m $((round+10)) /work/main; one f $((round+10)) /work/wt-f
done
echo done >> $out/summary.txt
