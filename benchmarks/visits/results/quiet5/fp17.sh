#!/bin/bash
# Whole-process `apdb forced-phot` (the ReadyToRun CLI each tree's ./apdb publishes), b = e60fe61 (/work/wt-16), n = this
# session's code (/work/main), alternating 9 times on benchmarks/forcedphot's 4096^2 image (15,000 stars, 5,000 blank
# positions): the default command, and --psf-fwhm 3.5 --no-background.
out=${FP17_OUT:-/tmp/fp17}; mkdir -p $out
[ -f $out/image.fits ] || /usr/bin/python3 /work/main/benchmarks/forcedphot/make_image.py --size 4096 --stars 15000 --blank 5000 --fwhm 3.5 --out $out > /dev/null
now() { date +%s%N; }
echo "run,tree,command,seconds" > $out/fp17.csv
for run in $(seq 1 9); do
  for t in b n n b; do
    dll=/work/wt-16/artifacts/cli/Apdb.Cli.dll; [ $t = n ] && dll=/work/main/artifacts/cli/Apdb.Cli.dll
    a=$(now); dotnet $dll forced-phot --image $out/image.fits --positions $out/positions.csv --out $out/$t.csv > /dev/null; e=$(now)
    echo "$run,$t,default,$(( (e - a) / 1000000 ))" >> $out/fp17.csv
    a=$(now); dotnet $dll forced-phot --image $out/image.fits --positions $out/positions.csv --psf-fwhm 3.5 --no-background --out $out/$t-g.csv > /dev/null; e=$(now)
    echo "$run,$t,psf-fwhm,$(( (e - a) / 1000000 ))" >> $out/fp17.csv
  done
done
cmp $out/b.csv $out/n.csv && cmp $out/b-g.csv $out/n-g.csv && echo "identical outputs" >> $out/fp17.csv
