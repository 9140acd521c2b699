#!/bin/bash
# apdb serve: a 100,000-row TAP sync query (SELECT * FROM DiaSource, BINARY2), A = fa3db4a (Npgsql's 8 KiB buffer),
# B = the change (64 KiB), alternating A B B A; seconds from curl.
export APDB_HOME=/tmp/demohome
q='REQUEST=doQuery&LANG=ADQL&MAXREC=100000&RESPONSEFORMAT=votable/b2&QUERY=SELECT%20*%20FROM%20DiaSource'
one() { local arm=$1 dir=$2 port=$3
  (cd $dir && ./apdb serve --port $port --max-rows 200000 > /tmp/serve-$arm.log 2>&1 &)
  for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$port/tap/availability && break; sleep 0.2; done
  curl -s -o /dev/null "http://127.0.0.1:$port/tap/sync?$q"   # warm-up
  for k in 1 2 3; do
    echo "$arm $(curl -s -o /tmp/serve-$arm.out -w '%{time_total} %{size_download}' "http://127.0.0.1:$port/tap/sync?$q")"
  done
  pkill -f "apdb.*serve --port $port" ; pkill -f "Apdb.Cli.dll serve --port $port"; sleep 1
}
for r in 1 2; do one A /work/wt-g 9101; one B /work/main 9102; one B /work/main 9102; one A /work/wt-g 9101; done
