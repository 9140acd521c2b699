#!/bin/bash
. "$(dirname "$0")/../../abrun.sh"   # owner_psql HOME ARGS...
out=/tmp/gcab2; mkdir -p $out
export APDB_HOME=/tmp/bvq
cd /work/wt-cpu && ./apdb load-history --preset fov --months 12 --seed 1 --replace --json > $out/load.json 2>/dev/null
P="owner_psql /tmp/bvq"
# the load's column-limited ANALYZE leaves the partitions' counters armed: before ANALYZE
$P -Atc "select relname, n_mod_since_analyze, last_analyze, last_autoanalyze from pg_stat_user_tables where relname in ('DiaSource_m2030','DiaSourcePacked_m2030','DiaObject')" > $out/analyze-state.txt
$P -qc "ANALYZE"
(cd /work/wt-cpu && ./apdb bench visits --preset fov --months 12 --visits 1 --clients 8 --out $out/warm --json > /dev/null 2>&1)
for round in 1 2 3; do for g in server default; do
  $P -qc "CHECKPOINT"
  if [ $g = server ]; then export DOTNET_gcServer=1; else unset DOTNET_gcServer; fi
  (cd /work/wt-cpu && ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/$g-$round --json > /dev/null 2>$out/$g-$round.err)
  echo "$g $round $(date +%T)" >> $out/log.txt
done; done
