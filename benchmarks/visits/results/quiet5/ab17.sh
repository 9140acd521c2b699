#!/bin/bash
# The SIMD width twins folded (issue 19): b = e60fe61 (/work/wt-16), n = the fold (/work/wt-17); ABBA.
# 1. FrontendHarness, demo preset, 3 detector-visits: the AL convolution (SeparableSum) at 512 bits (this machine's
#    default) and at 256 bits (DOTNET_EnableAVX512F=0 takes AVX-512 away, so the 256-bit path runs).
# 2. ForcedPhot.Benchmarks (BenchmarkDotNet, short job, in process): the blend fits and the in-cache isolated fits
#    (PsfFitKernels.Sums, Chi2, Clean).
# 3. AssociationHarness brute force at 3,000 and 10,000 objects (ChordKernels.CollectWithin).
out=/tmp/ab17; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
dir_b=/work/wt-16; dir_n=/work/wt-17
for t in b n; do d=dir_$t; (cd ${!d} && dotnet build benchmarks/FrontendHarness -c Release --nologo -v quiet -o artifacts/frontend-harness >/dev/null \
  && dotnet build benchmarks/ForcedPhot.Benchmarks -c Release --nologo -v quiet >/dev/null && dotnet build benchmarks/AssociationHarness -c Release --nologo -v quiet >/dev/null); done
fe() { local d=dir_$1; local tag=fe$3-$1-$2; mkdir -p $out/$tag
  if [ $3 = 256 ]; then export DOTNET_EnableAVX512F=0; else unset DOTNET_EnableAVX512F; fi
  run $tag ${!d} dotnet artifacts/frontend-harness/Apdb.FrontendHarness.dll --preset demo --visits 3 --out $out/$tag --exclude-variables 1 --decorrelate 1
  unset DOTNET_EnableAVX512F; }
fp() { local d=dir_$1; run fp-$1-$2 ${!d} dotnet run -c Release --no-build --project benchmarks/ForcedPhot.Benchmarks -- \
  --filter '*PsfAmplitudeFitterBenchmarks.OneCorePlanesInCache*' '*PsfAmplitudeFitterBenchmarks.AllCoresWithBlendFits*' --job short --inProcess --artifacts $out/fp-$1-$2; }
as() { local d=dir_$1; run as-$1-$2 ${!d} dotnet run -c Release --no-build --project benchmarks/AssociationHarness -- --sizes 3000,10000 --runs 5 --out $out/as-$1-$2; }
for round in 1 2; do
  for bits in 512 256; do fe b $round $bits; fe n $round $bits; fe n $((round+10)) $bits; fe b $((round+10)) $bits; done
done
for round in 1; do fp b $round; fp n $round; fp n $((round+10)); fp b $((round+10)); done
for round in 1; do as b $round; as n $round; as n $((round+10)); as b $((round+10)); done
echo done >> $out/summary.txt
