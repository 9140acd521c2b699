#!/usr/bin/env bash
# Run from the repository root against an APDB ($APDB_HOME or APDB_DB); see benchmarks/RESULTS.md, "Retention".
# Preload-shaped reads at the latest visit, 5 repeats each, median ms: DiaObjectLast of a detector cone and its
# 12-month DiaSources, through the SQL functions.
set -euo pipefail
q() { ./apdb sql "$1" | tail -n +2 | head -1; }
now=$(q "select max(\"visitMjdTai\") from apdb_visit_detector")
echo "objects in DiaObjectLast: $(q 'select count(*) from "DiaObjectLast"')"
echo "objects in a 0.2 deg cone: $(q 'select count(*) from dia_objects_in_cone(60.0, -62.0, 0.2)')"
echo "sources of 12 months in the cone: $(q "select count(*) from dia_sources_in_cone(60.0, -62.0, 0.2, $now - 360, $now)")"
echo "partitions: $(q "select count(*) from pg_inherits i join pg_class p on p.oid=i.inhparent where p.relname='DiaSource'")"
for sql in "select * from dia_objects_in_cone(60.0, -62.0, 0.2)" "select * from dia_sources_in_cone(60.0, -62.0, 0.2, $now - 360, $now)"; do
  ts=()
  for i in 1 2 3 4 5; do
    t=$(./apdb sql "explain analyze $sql" | grep -o "Execution Time: [0-9.]*" | awk "{print \$3}")
    ts+=("$t")
  done
  printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p | xargs echo "median ms: ${sql:0:40}..."
done
