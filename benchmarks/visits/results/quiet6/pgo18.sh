#!/bin/bash
# TieredPGO on (t, the CLI's runtimeconfig) against off (o, DOTNET_TieredPGO=0) for the commands the last session did
# not measure: demo (image front end, 3 visits x 2 detectors, a new APDB_HOME each run), load-history fov 12 months,
# forced-phot on benchmarks/forcedphot's 4096^2 image. The CLI (23f0158, /work/wt-c) run directly, since ./apdb exports
# DOTNET_TieredPGO=1. ABBA, two rounds each.
out=/tmp/pgo18; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
wt=/work/wt-c; dll=artifacts/cli/Apdb.Cli.dll
[ -f $out/image.fits ] || /usr/bin/python3 /work/main/benchmarks/forcedphot/make_image.py --size 4096 --stars 15000 --blank 5000 --fwhm 3.5 --out $out > /dev/null
pgo() { if [ $1 = o ]; then export DOTNET_TieredPGO=0; else export DOTNET_TieredPGO=1; fi; }
demo() { pgo $1; rm -rf /tmp/pgo-demo; APDB_HOME=/tmp/pgo-demo run demo-$1-$2 $wt dotnet $dll demo --out $out/demo-$1-$2; APDB_HOME=/tmp/pgo-demo dotnet $wt/$dll down > /dev/null 2>&1; }
load() { pgo $1; APDB_HOME=/tmp/pgo-load run load-$1-$2 $wt dotnet $dll load-history --preset fov --months 12 --seed 1 --replace; }
fp() { pgo $1; run fp-$1-$2 $wt dotnet $dll forced-phot --image $out/image.fits --positions $out/positions.csv --out $out/fp-$1-$2.csv; }
for r in 1 2; do demo t $r; demo o $r; demo o $((r+10)); demo t $((r+10)); done
for r in 1 2; do load t $r; load o $r; load o $((r+10)); load t $((r+10)); done
APDB_HOME=/tmp/pgo-load dotnet $wt/$dll down > /dev/null 2>&1
for r in 1 2 3; do fp t $r; fp o $r; fp o $((r+10)); fp t $((r+10)); done
unset DOTNET_TieredPGO
echo done >> $out/summary.txt
