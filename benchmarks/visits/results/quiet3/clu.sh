#!/bin/bash
# One detector's DiaSourcePacked region read before and after CLUSTER of DiaSourcePacked on its pixelId index.
. "$(dirname "$0")/../../abrun.sh"   # owner_psql HOME ARGS...
P="owner_psql /tmp/bvq"
Q=$(sed 's/EXPLAIN (ANALYZE, BUFFERS, SUMMARY) //; s/;$//' /work/main/benchmarks/visits/results/quiet2/un_DiaSourcePacked.sql)
measure() {
  echo "== $1"
  $P -Atq -c "PREPARE q AS SELECT count(*), sum(length(packed)) FROM ($Q) x" -c "\\timing on" -c "EXECUTE q" -c "EXECUTE q" -c "EXECUTE q" -c "EXECUTE q" -c "EXECUTE q" -c "EXECUTE q" -c "EXECUTE q" | grep Time | tr '\n' ' '; echo
  for i in 1 2 3 4 5; do $P -Atqc "\\timing on" -c "COPY ($Q) TO '/dev/null' (FORMAT binary)" | grep Time; done | tr '\n' ' '; echo
  $P -c "EXPLAIN (ANALYZE, BUFFERS) $Q" | grep -E "^ Nested|^   Buffers|Execution|Planning Time" | head -5
  for i in 1 2; do PSECS=8 dotnet /tmp/probe2e/bin/Release/net10.0/probe2e.dll ";Read Buffer Size=65536"; done
}
measure before
t0=$(date +%s.%N); $P -qc "CLUSTER \"DiaSourcePacked\" USING \"IDX_DiaSourcePacked_pixelId\"" ; $P -qc "ANALYZE \"DiaSourcePacked\""; echo "cluster+analyze $(echo "$(date +%s.%N)-$t0" | bc) s"
measure after
