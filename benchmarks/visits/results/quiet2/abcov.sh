#!/bin/bash
out=/tmp/abcov; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq -Atq"
cov='CREATE INDEX cov_tmp ON "DiaSource" ("diaObjectId") INCLUDE ("midpointMjdTai", "diaSourceId", "band", "ra", "dec", "raErr", "decErr", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr")'
plain='CREATE INDEX "IDX_DiaSource_diaObjectId" ON "DiaSource" ("diaObjectId")'
for round in 1 2 3; do for side in cov plain; do
  if [ $side = cov ]; then $P -c 'DROP INDEX IF EXISTS "IDX_DiaSource_diaObjectId"' -c "DROP INDEX IF EXISTS cov_tmp" -c "SET maintenance_work_mem='1GB'" -c "$cov";
  else $P -c "DROP INDEX IF EXISTS cov_tmp" -c 'DROP INDEX IF EXISTS "IDX_DiaSource_diaObjectId"' -c "SET maintenance_work_mem='1GB'" -c "$plain"; fi
  $P -c 'VACUUM "DiaSource"'; $P -c "CHECKPOINT"
  $P -c "select string_agg(c.relname, ',') from pg_index i join pg_class c on c.oid=i.indexrelid where i.indrelid='\"DiaSource\"'::regclass" >> $out/indexes.txt
  run bv-$side-$round /work/wt-d ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$side-$round --json
done; done
# leave the schema as the migrations made it
$P -c "DROP INDEX IF EXISTS cov_tmp"
$P -Atc "select count(*) from pg_index i join pg_class c on c.oid=i.indexrelid where c.relname='IDX_DiaSource_diaObjectId'" >> $out/indexes.txt
echo done >> $out/summary.txt
