#!/bin/bash
set -u
mkdir -p /tmp/pkq
run() { local name=$1 tree=$2 home=$3; shift 3
  echo "== $(date +%T) $name: $* load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkq/log
  ( cd $tree && APDB_HOME=$home ./apdb "$@" ) > /tmp/pkq/$name.out 2> /tmp/pkq/$name.err
  echo "   rc=$? $(date +%T) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkq/log
}
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb up > /dev/null 2>&1); done
for round in 1 2; do
  run hd-packed-$round /work/wt-packed /tmp/pkb-home-wt-packed bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkq/hd-packed-$round
  run hd-main-$round /work/main /tmp/pkb-home-main bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkq/hd-main-$round
done
run bv-packed /work/wt-packed /tmp/pkb-home-wt-packed bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkq/bv-packed
run bv-main /work/main /tmp/pkb-home-main bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkq/bv-main
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb down > /dev/null 2>&1); done
echo "== done $(date +%T)" >> /tmp/pkq/log
