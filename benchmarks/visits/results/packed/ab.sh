#!/bin/bash
# Alternating main / packed builds on fov, 12 months. Logs in /tmp/pkb/.
set -u
mkdir -p /tmp/pkb
run() { # name tree home args...
  local name=$1 tree=$2 home=$3; shift 3
  echo "== $(date +%T) $name: $*" >> /tmp/pkb/log
  ( cd $tree && APDB_HOME=$home /usr/bin/time -v ./apdb "$@" ) > /tmp/pkb/$name.out 2> /tmp/pkb/$name.err
  echo "   rc=$? $(date +%T) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/pkb/log
}
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb up > /dev/null 2>&1); done
for round in 1 2; do
  run hd-main-$round /work/main /tmp/pkb-home-main bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkb/hd-main-$round
  run hd-packed-$round /work/wt-packed /tmp/pkb-home-wt-packed bench history-depth --preset fov --months 12 --visits-per-step 20 --out /tmp/pkb/hd-packed-$round
done
for round in 1; do
  run load-main-$round /work/main /tmp/pkb-home-main load-history --preset fov --months 12 --seed 1 --replace
  run load-packed-$round /work/wt-packed /tmp/pkb-home-wt-packed load-history --preset fov --months 12 --seed 1 --replace
done
run bv-main /work/main /tmp/pkb-home-main bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkb/bv-main
run bv-packed /work/wt-packed /tmp/pkb-home-wt-packed bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkb/bv-packed
run load-packed-2 /work/wt-packed /tmp/pkb-home-wt-packed load-history --preset fov --months 12 --seed 1 --replace
run load-main-2 /work/main /tmp/pkb-home-main load-history --preset fov --months 12 --seed 1 --replace
run bv-packed-2 /work/wt-packed /tmp/pkb-home-wt-packed bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkb/bv-packed-2
run bv-main-2 /work/main /tmp/pkb-home-main bench visits --preset fov --months 12 --visits 5 --clients 8 --out /tmp/pkb/bv-main-2
for tree in main wt-packed; do (cd /work/$tree && APDB_HOME=/tmp/pkb-home-$tree ./apdb down > /dev/null 2>&1); done
echo "== done $(date +%T)" >> /tmp/pkb/log
