#!/bin/bash
# d = 4f0ae84, e = chunked packed decoders + 64 KiB read buffer: bench history-depth, d first in each pair (ab7 put e first).
out=/tmp/ab10; mkdir -p $out
. "$(dirname "$0")/../../abrun.sh"   # run NAME DIR COMMAND...
export APDB_HOME=/tmp/hdq
cd /work/wt-d && ./apdb up > /dev/null
for round in 1 2 3 4; do
  for arm in d e; do
    run hd-$arm-$round /work/wt-$arm ./apdb bench history-depth --preset fov --months 12 --visits-per-step 20 --out $out/hd-$arm-$round --json
  done
done
cd /work/wt-d && ./apdb down > /dev/null
echo done >> $out/summary.txt
