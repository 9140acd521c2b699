#!/bin/bash
# 55 consecutive visits with migration 0018 (23f0158, /work/wt-c) on the fov APDB of ab18's last c load and sv18's two
# fov runs (/tmp/hdc), 8 clients; then the server's deadlock count and its log's deadlock and error lines.
out=/tmp/lv18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
wt=/work/wt-c
APDB_HOME=/tmp/hdc $wt/apdb up > /dev/null 2>&1
APDB_HOME=/tmp/hdc run bv-55 $wt ./apdb bench visits --preset fov --months 12 --visits 55 --clients 8 --out $out/bv-55 --json
owner_psql /tmp/hdc -Atc "select 'deadlocks (pg_stat_database): ' || deadlocks from pg_stat_database where datname = 'apdb'" >> $out/summary.txt
echo "server.log 'deadlock detected' lines: $(grep -c 'deadlock detected' /tmp/hdc/pgdata/server.log)" >> $out/summary.txt
grep ERROR /tmp/hdc/pgdata/server.log | sed 's/^[^]]*\] //' | sort | uniq -c >> $out/summary.txt
echo done >> $out/summary.txt
