#!/bin/bash
# The summary reload's index: Rubin's plain IDX_DiaSource_diaObjectId against the same key INCLUDing the summary
# columns, swapped on one load; same build (c4781e3, /work/wt-f), ABBA, 8 clients, 4 visits a run.
out=/tmp/ab12; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq -Atq"
cov='CREATE INDEX "IDX_DiaSource_diaObjectId" ON "DiaSource" ("diaObjectId") INCLUDE ("diaSourceId", "midpointMjdTai", "band", "ra", "dec", "raErr", "decErr", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr")'
plain='CREATE INDEX "IDX_DiaSource_diaObjectId" ON "DiaSource" ("diaObjectId")'
one() { local side=$1 round=$2
  if [ $side = cov ]; then idx="$cov"; else idx="$plain"; fi
  $P -c 'DROP INDEX IF EXISTS "IDX_DiaSource_diaObjectId"' -c "SET maintenance_work_mem='1GB'" -c "$idx"
  $P -c 'VACUUM "DiaSource"'; $P -c "CHECKPOINT"
  $P -c "select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid=i.indexrelid where c.relname='IDX_DiaSource_diaObjectId'" >> $out/indexes.txt
  run bv-$side-$round /work/wt-f ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$side-$round --json
}
for round in 1 2; do
  one cov $round; one plain $round; one plain $((round+10)); one cov $((round+10))
done
$P -c 'DROP INDEX IF EXISTS "IDX_DiaSource_diaObjectId"' -c "$plain"
echo done >> $out/summary.txt
