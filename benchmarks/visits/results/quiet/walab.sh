#!/bin/bash
. "$(dirname "$0")/../../abrun.sh"   # owner_psql HOME ARGS...
cd /work/wt-cpu
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq"
out=/tmp/walab; mkdir -p $out
for round in 1 2 3; do for mode in on lz4; do
  sed -i "s/^wal_compression = .*/wal_compression = $mode/" /tmp/bvq/pgdata/postgresql.conf
  $P -qc "select pg_reload_conf()" > /dev/null; sleep 1; $P -Atc "show wal_compression" > $out/$mode-$round.mode
  $P -qc "CHECKPOINT"
  w0=$($P -Atc "select wal_bytes, wal_fpi from pg_stat_wal")
  (cd /work/wt-cpu && ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/$mode-$round --json > /dev/null 2>$out/$mode-$round.err)
  w1=$($P -Atc "select wal_bytes, wal_fpi from pg_stat_wal")
  echo "$mode $round $w0 $w1" >> $out/wal.txt
done; done
