#!/usr/bin/env bash
# The same `apdb demo` on one embedded server and on 3 embedded shards with a coordinator, then the two compared by
# query (ShardHarness --compare-only: the SQL functions and every DIA row; the pipeline's processing time left out,
# as it is the clock's). Usage: benchmarks/shards/demo-compare.sh WORKDIR [demo options...]
# Leaves both layouts stopped; WORKDIR/one and WORKDIR/three hold them, WORKDIR/*.json the outputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:?usage: demo-compare.sh WORKDIR [demo options]}"; shift
mkdir -p "$work"
dotnet build "$root/src/Cli/Cli.csproj" -c Release -v q -nologo >/dev/null
dotnet build "$root/benchmarks/ShardHarness" -c Release -v q -nologo >/dev/null
apdb() { dotnet "$root/src/Cli/bin/Release/net10.0/Apdb.Cli.dll" "$@"; }
uri() { echo "postgresql://apdb:$(cat "$1/secret")@127.0.0.1:$(cat "$1/port")/apdb"; }
stop() { APDB_HOME="$work/one" apdb down >/dev/null 2>&1 || true; APDB_HOME="$work/three" apdb down >/dev/null 2>&1 || true; }
trap stop EXIT

start=$(date +%s)
APDB_HOME="$work/one" apdb --json demo "$@" > "$work/demo-one.json"
echo "one server: $(( $(date +%s) - start )) s" >&2
start=$(date +%s)
APDB_HOME="$work/three" apdb up --shards 3 >/dev/null
APDB_HOME="$work/three" apdb init --shard-field 60,-62,0.6 >/dev/null
APDB_HOME="$work/three" apdb --json demo "$@" > "$work/demo-three.json"
echo "3 shards: $(( $(date +%s) - start )) s" >&2
APDB_HOME="$work/one" apdb up >/dev/null
s="$work/three/shards"
dotnet "$root/benchmarks/ShardHarness/bin/Release/net10.0/Apdb.ShardHarness.dll" --compare-only --ignore-processing-time \
  --single "$(uri "$work/one")" \
  --sharded "coordinator=$(uri "$s/coordinator") shard=$(uri "$s/shard-0") shard=$(uri "$s/shard-1") shard=$(uri "$s/shard-2")" \
  --out "$work"
