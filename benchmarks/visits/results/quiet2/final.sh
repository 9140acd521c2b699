#!/bin/bash
out=/tmp/final2; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
setmode() { local home=$1; local m=$2
  sed -i "s/^wal_compression = .*/wal_compression = $m/" $home/pgdata/postgresql.conf
  (owner_psql $home -Atqc "select pg_reload_conf()" > /dev/null); sleep 1
  (owner_psql $home -Atqc "show wal_compression") >> $out/modes.txt
}
export APDB_HOME=/tmp/bvq
setmode /tmp/bvq lz4
P="owner_psql /tmp/bvq"
for round in 1 2 3 4 5; do
  $P -qc "CHECKPOINT"
  run bv-$round /work/wt-d ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$round --json
done
cd /work/wt-d && ./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
setmode /tmp/hdq lz4
for round in 1 2 3; do
  run hd-$round /work/wt-d ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$round --json
done
./apdb down > /dev/null
echo done >> $out/summary.txt
