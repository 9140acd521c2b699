#!/bin/bash
# Where the first visits' extra client CPU goes: TieredPGO on (t, the CLI's setting) against off (o, DOTNET_TieredPGO=0),
# the CLI run directly (./apdb exports DOTNET_TieredPGO=1), this session's code, on /tmp/bvq after bv12.sh; ABBA, 4 visits a run.
out=/tmp/pgo; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
one() { if [ $1 = o ]; then export DOTNET_TieredPGO=0; else export DOTNET_TieredPGO=1; fi
  APDB_HOME=/tmp/bvq run pgo-$1-$2 /work/main dotnet artifacts/cli/Apdb.Cli.dll bench visits --preset fov --months 12 --visits 4 --clients 8 --out $out/pgo-$1-$2 --json; }
for round in 1 2; do one t $round; one o $round; one o $((round+10)); one t $((round+10)); done
echo done >> $out/summary.txt
