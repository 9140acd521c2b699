#!/usr/bin/env bash
# Cone-search latency through `apdb serve` (TAP /sync, VOTable) against the same cones in psql as the reader role,
# in one run: medians and ratios as JSON on stdout (see tap_vs_psql.py). Loads the `demo` history first when the APDB
# holds none. Usage: benchmarks/serve/run.sh [cones=40] [repeat=3]   (the embedded cluster; APDB_HOME picks which one)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
apdb="${APDB:-$root/apdb}"
"$apdb" init >/dev/null
if [ "$("$apdb" sql 'SELECT count(*) FROM "DiaObjectLast"' --csv | tail -n 1)" = 0 ]; then
  "$apdb" load-history --preset demo >/dev/null
fi
out="$(mktemp)"
"$apdb" --json serve --port 0 >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.2; done
tap="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tap"])' "$out")"
# psql logs in as the same reader role the service uses (serve has given it its login and password by now).
psql_argv="$("$apdb" --json status | /usr/bin/python3 -c '
import json, os, sys
s = json.load(sys.stdin)
cs = dict(kv.split("=", 1) for kv in s["connectionString"].split(";") if kv)
home = os.path.dirname(s["dataDir"])
db = cs["Database"]
secret = open(os.path.join(home, f"secret-{db}_reader")).read().strip()
print(json.dumps(["env", f"PGPASSWORD={secret}", "psql", "-h", cs["Host"], "-p", cs["Port"], "-U", f"{db}_reader", "-d", db]))')"
/usr/bin/python3 "$root/benchmarks/serve/tap_vs_psql.py" "$tap" "$psql_argv" --cones "${1:-40}" --repeat "${2:-3}"
