#!/bin/bash
out=/tmp/ab5; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
setmode() { # $1 home, $2 mode
  local home=$1; local m=$2
  sed -i "s/^wal_compression = .*/wal_compression = $m/" $home/pgdata/postgresql.conf
  (owner_psql $home -Atqc "select pg_reload_conf()" > /dev/null); sleep 1
  (owner_psql $home -Atqc "show wal_compression") >> $out/modes.txt
}
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq"
for round in 1 2 3 4; do for m in lz4 pglz; do
  setmode /tmp/bvq $m
  $P -qc "CHECKPOINT"
  run bv-$m-$round /work/wt-c ./apdb bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$m-$round --json
done; done
setmode /tmp/bvq pglz
cd /work/wt-c && ./apdb down > /dev/null
export APDB_HOME=/tmp/hdq
./apdb up > /dev/null
for round in 1 2 3; do for m in pglz lz4; do
  setmode /tmp/hdq $m
  run hd-$m-$round /work/wt-c ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$m-$round --json
done; done
setmode /tmp/hdq pglz
./apdb down > /dev/null
echo done >> $out/summary.txt
