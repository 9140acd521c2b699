#!/bin/bash
# The packed tables' pixelId index with INCLUDE ("midpointMjdTai", packed) (c, migration 0018) against the plain one
# (p), ABBA. bench visits: one build (f46d974, /work/wt-a; its read statement is 23f0158's) on one fresh 12-month fov
# load (/tmp/bvq), the index swapped by hand between arms, 8 clients, 4 visits a run. bench history-depth and
# load-history: each build on its own home (p: /work/wt-a, /tmp/hda; c: 23f0158 in /work/wt-c, /tmp/hdc).
out=/tmp/ab18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
swap() { local inc=""; [ $1 = c ] && inc=' INCLUDE ("midpointMjdTai", packed)'
  for t in DiaSourcePacked DiaForcedSourcePacked; do
    owner_psql /tmp/bvq -qc "DROP INDEX IF EXISTS \"IDX_${t}_pixelId\"" -c "CREATE INDEX \"IDX_${t}_pixelId\" ON \"$t\" (\"pixelId\")$inc"; done
  echo "swap $1 $(date +%T)" >> $out/summary.txt; }
bv() { APDB_HOME=/tmp/bvq run bv-$1-$2 /work/wt-a ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1-$2 --json; }
hd() { local wt=/work/wt-a home=/tmp/hda; [ $1 = c ] && wt=/work/wt-c home=/tmp/hdc
  APDB_HOME=$home run hd-$1-$2 $wt ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$1-$2 --json; }
ld() { local wt=/work/wt-a home=/tmp/hda; [ $1 = c ] && wt=/work/wt-c home=/tmp/hdc
  APDB_HOME=$home run ld-$1-$2 $wt ./apdb load-history --preset fov --months 12 --seed 1 --replace; }
(cd /work/wt-a && APDB_HOME=/tmp/bvq ./apdb load-history --preset fov --months 12 --seed 1 --replace > $out/load.out 2>&1); owner_psql /tmp/bvq -qc ANALYZE > /dev/null 2>&1
for round in 1 2 3; do bv p $round; swap c; bv c $round; bv c $((round+10)); swap p; bv p $((round+10)); done
APDB_HOME=/tmp/bvq /work/wt-a/apdb down > /dev/null 2>&1
for h in /tmp/hda /tmp/hdc; do APDB_HOME=$h /work/wt-a/apdb up > /dev/null 2>&1; done
for round in 1 2; do hd p $round; hd c $round; hd c $((round+10)); hd p $((round+10)); done
for round in 1 2; do ld p $round; ld c $round; ld c $((round+10)); ld p $((round+10)); done
for h in /tmp/hda /tmp/hdc; do APDB_HOME=$h /work/wt-a/apdb down > /dev/null 2>&1; done
echo done >> $out/summary.txt
