#!/bin/bash
# 24 months of fov history, maintained, against 12 months (packed build). Logs in /tmp/pkb/.
set -u
run() { local name=$1 tree=$2 home=$3; shift 3
  echo "== $(date +%T) $name: $*" >> /tmp/pkb/log
  ( cd $tree && APDB_HOME=$home /usr/bin/time -v ./apdb "$@" ) > /tmp/pkb/$name.out 2> /tmp/pkb/$name.err
  echo "   rc=$? $(date +%T) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkb/log
}
T=/work/wt-packed
(cd $T && APDB_HOME=/tmp/pkb-home-24 ./apdb up > /dev/null 2>&1)
run load24 $T /tmp/pkb-home-24 load-history --preset fov --months 24 --seed 1
run maintain24 $T /tmp/pkb-home-24 maintain --json
run bv24 $T /tmp/pkb-home-24 bench visits --preset fov --months 24 --visits 5 --clients 8 --out /tmp/pkb/bv24
(cd $T && APDB_HOME=/tmp/pkb-home-wt-packed ./apdb up > /dev/null 2>&1)
run bv12-again $T /tmp/pkb-home-wt-packed bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkb/bv12-again
run bv24-again $T /tmp/pkb-home-24 bench visits --preset fov --months 24 --visits 5 --clients 8 --out /tmp/pkb/bv24-again
(cd $T && APDB_HOME=/tmp/pkb-home-24 ./apdb down > /dev/null 2>&1; APDB_HOME=/tmp/pkb-home-wt-packed ./apdb down > /dev/null 2>&1)
echo "== done2 $(date +%T)" >> /tmp/pkb/log
