#!/bin/bash
# Clients: the same build (c4781e3, worktree /work/wt-f), --clients 8 against --clients 4, ABBA on one fresh load.
out=/tmp/ab11; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq
P="owner_psql /tmp/bvq"
one() { $P -qc "CHECKPOINT"; run bv-c$1-$2 /work/wt-f ./apdb bench visits --preset fov --months 12 --visits 4 --clients $1 --out $out/bv-c$1-$2 --json; }
for round in 1 2; do
  one 8 $round; one 4 $round; one 4 $((round+10)); one 8 $((round+10))
done
echo done >> $out/summary.txt
