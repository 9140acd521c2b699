#!/usr/bin/env bash
# The whole-camera visit load test (issue 14, in part): `apdb bench visits` hot, then cold where the OS page cache can
# be dropped, on the APDB of $APDB_HOME (or APDB_DB), which must hold the preset's complete history:
#   APDB_HOME=/tmp/bv ./apdb up && APDB_HOME=/tmp/bv ./apdb load-history --preset fov --months 12 --seed 1
#   APDB_HOME=/tmp/bv benchmarks/visits/run.sh [preset=fov] [months=12] [visits=10] [clients=8]
# Each run stores its visits (the next ones after what the APDB holds), so the cold run continues after the hot one.
# Before the cold run the embedded cluster is restarted, so PostgreSQL's shared buffers start empty too (the bench
# itself drops only the OS page cache, before each visit). Results go to benchmarks/visits/results/{hot,cold}/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset="${1:-fov}"
months="${2:-12}"
visits="${3:-10}"
clients="${4:-8}"
out="$root/benchmarks/visits/results"
cd "$root"
./apdb --help >/dev/null   # build first: the measured process must be the bench, not a rebuild
[ -n "${APDB_DB:-}" ] || ./apdb up >/dev/null
mkdir -p "$out"
{ echo "nproc $(nproc)"; echo "before hot: $(uptime)"; } > "$out/machine.txt"
rm -rf "$out/hot" "$out/cold"
./apdb bench visits --preset "$preset" --months "$months" --visits "$visits" --clients "$clients" --out "$out/hot" | tee "$out/hot.txt"
echo "after hot: $(uptime)" >> "$out/machine.txt"
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ] && [ -z "${APDB_DB:-}" ]; then
  ./apdb down >/dev/null && ./apdb up >/dev/null
fi
# --cold never fails: where the cache cannot be dropped it says so on stderr and in visits.json ("coldCache").
./apdb bench visits --preset "$preset" --months "$months" --visits "$visits" --clients "$clients" --cold --out "$out/cold" | tee "$out/cold.txt"
echo "after cold: $(uptime)" >> "$out/machine.txt"
cat "$out/machine.txt"
