#!/usr/bin/env bash
# Runs every test project (Release) and ends with the totals alone on a line: "N passed, N failed, N skipped".
# Tests that need PostgreSQL start the project's embedded cluster themselves (or use APDB_TEST_DB).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The oracle tests call Debian's python3 (healpy, scipy), not a python3 that PATH may put first.
if [ -z "${APDB_PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
  export APDB_PYTHON=/usr/bin/python3
fi

# The last run's whole output stays in artifacts/test.log: a failure that does not come back is still on record.
mkdir -p "$root/artifacts"
log="$root/artifacts/test.log"
dotnet test Apdb.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

read -r passed failed skipped < <(python3 - "$log" <<'PY'
import re, sys
p = f = s = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)", line)
    if m:
        f += int(m.group(1)); p += int(m.group(2)); s += int(m.group(3))
print(p, f, s)
PY
)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the build or a test host failed before reporting: count it, never report green
fi
if [ "$failed" -ne 0 ]; then
  grep -E "\[FAIL\]" "$log" | sed -E 's/^\[xUnit[^]]*\] *//; s/ *\[FAIL\] *$//' | sort -u | sed 's/^/failed: /' || true
  echo "full output: $log"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
