#!/bin/bash
# Spin only: s0 = wt-e as built (UnfairSemaphoreSpinLimit 0), sd = the same files with the setting removed (default).
out=/tmp/ab8; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/bvq DOTNET_TieredPGO=1
cd /work/wt-d && ./apdb up > /dev/null
P="owner_psql /tmp/bvq"
one() { $P -qc "CHECKPOINT"; if [ $1 = s0 ]; then dll=/work/wt-e/artifacts/cli/Apdb.Cli.dll; else dll=/tmp/cli-spin/Apdb.Cli.dll; fi
  run bv-$1-$2 dotnet $dll bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/bv-$1-$2 --json; }
for round in 1 2 3; do
  one s0 $round; one sd $round; one sd $((round+10)); one s0 $((round+10))
done
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
