#!/usr/bin/env bash
# Pipeline benchmarks (issue 8): APDB cost against history depth on demo and fov, and a full-pipeline run on fov.
# Results land next to this script: <preset>/history-depth.{csv,json,png}, fov-run/{run.json,stages.png,forced-phot.png,trace.json}.
# Uses the embedded cluster unless APDB_DB is set; the history-depth bench works in a database of its own.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
apdb="$here/../../apdb"

for preset in demo fov; do
  "$apdb" bench history-depth --preset "$preset" --months 1,3,6,12 --visits-per-step 20 --out "$here/$preset"
done

# Beyond the 12-month window the per-visit cost should stop growing: a longer sweep on demo.
"$apdb" bench history-depth --preset demo --months 1,3,6,12,15,18,21 --visits-per-step 20 --out "$here/demo-long"

# The full pipeline on fov: a year of history, then new visits through the image front end and DiaPipe.
"$apdb" load-history --preset fov --months 12 --replace
mkdir -p "$here/fov-run"
"$apdb" run --visits 3 --detectors 4 --workers 2 --replace --trace "$here/fov-run/trace.json" --out "$here/fov-run"
