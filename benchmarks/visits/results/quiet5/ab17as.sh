#!/bin/bash
# ab17's brute-force association pairs again, more runs and a larger size: b = e60fe61 (/work/wt-16), n = the fold (/work/wt-17).
out=/tmp/ab17; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
dir_b=/work/wt-16; dir_n=/work/wt-17
as() { local d=dir_$1; run as2-$1-$2 ${!d} dotnet run -c Release --no-build --project benchmarks/AssociationHarness -- --sizes 3000,10000,30000 --runs 9 --out $out/as2-$1-$2; }
for round in 1 2 3; do as b $round; as n $round; as n $((round+10)); as b $((round+10)); done
echo done2 >> $out/summary.txt
