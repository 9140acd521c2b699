#!/usr/bin/env bash
# The history-load benchmark (issue 4): load time of each preset against the floor measured in the same run on the
# same rows (server-side binary COPY FROM files into plain tables + the same indexes), and the CLI's peak RSS for fov.
# Usage: benchmarks/history/run.sh [presets=demo,fov] [months=12]   (APDB_HOME picks the embedded cluster; APDB_DB any server)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
presets="${1:-demo,fov}"
months="${2:-12}"
out="$root/benchmarks/history/results"
mkdir -p "$out"
cd "$root"
./apdb up >/dev/null
db="${APDB_DB:-$(./apdb --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["connectionString"])')}"
dotnet build benchmarks/HistoryHarness -c Release --nologo -v quiet -o artifacts/history-harness >/dev/null
dotnet artifacts/history-harness/Apdb.HistoryHarness.dll --db "$db" --presets "$presets" --months "$months" --out "$out" > /dev/null
cat "$out/history-load.csv"
# Peak client memory of the real command (the CLI process: generation + COPY), fov unless told otherwise.
[ "${SKIP_RSS:-0}" = 1 ] && exit 0
rss_preset="${RSS_PRESET:-fov}"
./apdb --help >/dev/null   # build first: the measured process must be the load, not a rebuild
/usr/bin/time -v dotnet artifacts/cli/Apdb.Cli.dll --json load-history --preset "$rss_preset" --months "$months" --replace > "$out/rss-$rss_preset.json" 2> "$out/rss-$rss_preset.time"
grep -E "Maximum resident set size|Elapsed" "$out/rss-$rss_preset.time"
