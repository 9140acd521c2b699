#!/bin/bash
# The first visits of a bench visits process with the CLI as shipped now (413ac4e: TieredPGO off, ./apdb no longer
# exporting it): one fresh 12-month fov load, then two runs of 12 visits each, 8 clients (as the seventh session's
# bv12.sh, which ran with TieredPGO on).
out=/tmp/bv18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
(cd /work/main && APDB_HOME=/tmp/pgv ./apdb load-history --preset fov --months 12 --seed 1 --replace > $out/load.out 2>&1); owner_psql /tmp/pgv -qc ANALYZE > /dev/null 2>&1
for r in 1 2; do APDB_HOME=/tmp/pgv run bv18-$r /work/main ./apdb bench visits --preset fov --months 12 --visits 12 --clients 8 --out $out/bv18-$r --json; done
APDB_HOME=/tmp/pgv /work/main/apdb down > /dev/null 2>&1
echo done >> $out/summary.txt
