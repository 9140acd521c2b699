#!/bin/bash
# The whole visit past the first two: two runs of 12 visits each (8 clients), on one fresh 12-month fov load, with the
# code of this session (/work/main). Each run is a new process with new connections.
out=/tmp/bv12; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
(cd /work/main && APDB_HOME=/tmp/bvq ./apdb load-history --preset fov --months 12 --seed 1 --replace > $out/load.out 2>&1); owner_psql /tmp/bvq -qc ANALYZE > /dev/null 2>&1
for r in 1 2; do APDB_HOME=/tmp/bvq run bv12-$r /work/main ./apdb bench visits --preset fov --months 12 --visits 12 --clients 8 --out $out/bv12-$r --json; done
echo done >> $out/summary.txt
