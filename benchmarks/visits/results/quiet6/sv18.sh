#!/bin/bash
# Survey against fov with migration 0018 (23f0158, /work/wt-c): the 12-month survey loaded into /tmp/svc, its packed
# tables vacuumed (the later fields append to earlier partitions without COPY FREEZE, so their pages are not yet
# all-visible), against a fresh 12-month fov load (/tmp/hdc, ab18's last c load). bench visits, 5 visits, 8 clients,
# survey fov fov survey, then survey cold (--cold: cluster restarted, OS cache dropped before each visit).
out=/tmp/sv18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
wt=/work/wt-c
APDB_HOME=/tmp/hdc $wt/apdb up > /dev/null 2>&1
t0=$(date +%s); owner_psql /tmp/svc -qc 'VACUUM ANALYZE "DiaSourcePacked", "DiaForcedSourcePacked"'; echo "vacuum of the packed tables: $(( $(date +%s) - t0 )) s" >> $out/summary.txt
owner_psql /tmp/svc -Atc "select pg_database_size('apdb')" > $out/survey-size.txt
owner_psql /tmp/hdc -Atc "select pg_database_size('apdb')" > $out/fov-size.txt
bv() { local home=/tmp/svc preset=survey; [ $1 = f ] && home=/tmp/hdc preset=fov
  APDB_HOME=$home run bv-$1-$2 $wt ./apdb bench visits --preset $preset --months 12 --visits 5 --clients 8 $3 --out $out/bv-$1-$2 --json; }
bv s 1; bv f 1; bv f 2; bv s 2
bv s cold --cold
for h in /tmp/svc /tmp/hdc; do APDB_HOME=$h $wt/apdb down > /dev/null 2>&1; done
echo done >> $out/summary.txt
