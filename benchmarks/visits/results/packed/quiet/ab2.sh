#!/bin/bash
set -u
run() { local name=$1 tree=$2 home=$3; shift 3
  echo "== $(date +%T) $name: $* load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkq/log
  ( cd $tree && APDB_HOME=$home ./apdb "$@" ) > /tmp/pkq/$name.out 2> /tmp/pkq/$name.err
  echo "   rc=$? $(date +%T) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkq/log
}
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb up > /dev/null 2>&1); done
run hd-packed-3 /work/wt-packed /tmp/pkb-home-wt-packed bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkq/hd-packed-3
run hd-main-3 /work/main /tmp/pkb-home-main bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkq/hd-main-3
run bv-packed-2 /work/wt-packed /tmp/pkb-home-wt-packed bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkq/bv-packed-2
run bv-main-2 /work/main /tmp/pkb-home-main bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkq/bv-main-2
run hd-packed-4 /work/wt-packed /tmp/pkb-home-wt-packed bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkq/hd-packed-4
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb down > /dev/null 2>&1); done
echo "== done2 $(date +%T)" >> /tmp/pkq/log
