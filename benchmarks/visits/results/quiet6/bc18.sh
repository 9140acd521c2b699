#!/bin/bash
# Why the floor probe's all-column COPY ran slower with migration 0018's covering index: shared buffers by table after
# a bench visits run (8 clients, 4 visits) with the covering index (c), then with the plain one swapped in (p), then c
# again. /tmp/hdc (fov, 12 months, after lv18), 23f0158 in /work/wt-c.
out=/tmp/bc18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
wt=/work/wt-c
APDB_HOME=/tmp/hdc $wt/apdb up > /dev/null 2>&1
owner_psql /tmp/hdc -qc "CREATE EXTENSION IF NOT EXISTS pg_buffercache"
swap() { local inc=""; [ $1 = c ] && inc=' INCLUDE ("midpointMjdTai", packed)'
  for t in DiaSourcePacked DiaForcedSourcePacked; do
    owner_psql /tmp/hdc -qc "DROP INDEX IF EXISTS \"IDX_${t}_pixelId\"" -c "CREATE INDEX \"IDX_${t}_pixelId\" ON \"$t\" (\"pixelId\")$inc"; done; }
buffers() { owner_psql /tmp/hdc -F' ' -Atc "
  SELECT coalesce(p.relname, c.relname) || CASE WHEN c.relkind = 'i' THEN ' (index)' ELSE '' END AS rel,
         round(count(*) * 8192 / 1e6) AS mb
  FROM pg_buffercache b
  JOIN pg_class c ON c.relfilenode = b.relfilenode AND b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  LEFT JOIN pg_index x ON x.indexrelid = c.oid
  LEFT JOIN pg_inherits i ON i.inhrelid = coalesce(x.indrelid, c.oid)
  LEFT JOIN pg_class p ON p.oid = i.inhparent
  GROUP BY 1 ORDER BY 2 DESC LIMIT 12" > $out/buffers-$1.txt; }
bv() { APDB_HOME=/tmp/hdc run bv-$1 $wt ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1 --json; buffers $1; }
bv c1; swap p; bv p1; swap c; bv c2
APDB_HOME=/tmp/hdc $wt/apdb down > /dev/null 2>&1
echo done >> $out/summary.txt
