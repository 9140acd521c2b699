#!/bin/bash
out=/tmp/ab5; mkdir -p $out
while ! grep -q done $out/summary.txt; do sleep 10; done
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
setmode() { local home=$1; local m=$2
  sed -i "s/^wal_compression = .*/wal_compression = $m/" $home/pgdata/postgresql.conf
  (owner_psql $home -Atqc "select pg_reload_conf()" > /dev/null); sleep 1
  (owner_psql $home -Atqc "show wal_compression") >> $out/modes.txt
}
export APDB_HOME=/tmp/bvq
cd /work/wt-c && ./apdb up > /dev/null
run load /work/wt-c ./apdb load-history --preset fov --months 12 --seed 1 --replace --json
P="owner_psql /tmp/bvq"
$P -qc "ANALYZE"
run warm /work/wt-c ./apdb bench visits --preset fov --months 12 --visits 1 --clients 8 --out $out/warm --json
for round in 1 2 3 4; do for m in lz4 pglz; do
  setmode /tmp/bvq $m
  $P -qc "CHECKPOINT"
  run bv2-$m-$round /work/wt-c ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv2-$m-$round --json
done; done
setmode /tmp/bvq pglz
echo done2 >> $out/summary.txt
