#!/usr/bin/env bash
# HEALPix depth-29 hashing, C# (Apdb.Sky) vs healpy, same points, both in process on one core.
# Usage: benchmarks/healpix/run.sh [OUTPUT_DIR, default artifacts/benchmarks/healpix (git-ignored)]   (env: N=10000000 points, RUNS=7, APDB_PYTHON=/usr/bin/python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/artifacts/benchmarks/healpix}" && cd "${1:-$ROOT/artifacts/benchmarks/healpix}" && pwd)"
N="${N:-10000000}"
RUNS="${RUNS:-7}"

# Debian's python3-healpy sits in the system interpreter; a pyenv/venv python3 on PATH may not see it.
PY="${APDB_PYTHON:-}"
if [[ -z "$PY" ]]; then
  for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import healpy' 2>/dev/null; then PY="$candidate"; break; fi
  done
fi
[[ -n "$PY" ]] || { echo "no python3 with healpy found (apt-get install python3-healpy, or set APDB_PYTHON)" >&2; exit 1; }

# One core for both sides.
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 DOTNET_gcServer=0

echo "== generating $N seeded points -> $OUT/points.bin"
"$PY" "$HERE/healpy_bench.py" generate --n "$N" --out "$OUT/points.bin"

echo "== healpy"
"${PIN[@]}" "$PY" "$HERE/healpy_bench.py" bench --points "$OUT/points.bin" --runs "$RUNS" \
  --out "$OUT/healpy.json" --ids "$OUT/healpy_ids.bin"

echo "== C# (Release)"
dotnet build "$ROOT/benchmarks/HealpixHarness/HealpixHarness.csproj" -c Release --nologo -v quiet
"${PIN[@]}" dotnet "$ROOT/benchmarks/HealpixHarness/bin/Release/net10.0/Apdb.HealpixHarness.dll" \
  --points "$OUT/points.bin" --healpy "$OUT/healpy.json" --healpy-ids "$OUT/healpy_ids.bin" \
  --out "$OUT" --runs "$RUNS"

rm -f "$OUT/points.bin" "$OUT/healpy_ids.bin"
echo "== results: $OUT/healpix_results.csv, $OUT/healpix_results.json, $OUT/healpy.json"
