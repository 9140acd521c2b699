#!/usr/bin/env bash
# Survey against fov (issue 14): cost per detector-visit should not follow the APDB's total size. Loads the 12-month
# survey preset (163 deg^2, 48 GB: more than this machine's 24 GB of memory) and fov into two embedded clusters, runs
# `bench visits` on each alternately (hot, 5 visits, 8 clients, three pairs), then survey cold (cluster restarted,
# OS page cache dropped before each visit), then one fresh survey APDB through 55 consecutive visits.
# Needs ~70 GB of free disk (48 GB of data plus up to 17 GB of WAL while it loads) and about an hour. Results in $out
# (default /tmp/survey-bench).
#   benchmarks/visits/survey.sh [out]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-/tmp/survey-bench}"
survey_home="$out/home-survey"
fov_home="$out/home-fov"
mkdir -p "$out"
cd "$root"
./apdb --help >/dev/null   # build first: the measured process must be the bench, not a rebuild
log() { echo "== $(date +%T) $* (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/log"; }
run() { # name home args...
  local name=$1 home=$2; shift 2
  log "$name: $*"
  APDB_HOME=$home /usr/bin/time -v ./apdb "$@" > "$out/$name.out" 2> "$out/$name.err"
}
run load-survey "$survey_home" load-history --preset survey --months 12 --replace --json
run load-fov "$fov_home" load-history --preset fov --months 12 --replace --json
for round in 1 2 3; do
  run bv-survey-$round "$survey_home" bench visits --preset survey --months 12 --visits 5 --clients 8 --out "$out/bv-survey-$round" --json
  run bv-fov-$round "$fov_home" bench visits --preset fov --months 12 --visits 5 --clients 8 --out "$out/bv-fov-$round" --json
done
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
  APDB_HOME=$survey_home ./apdb down >/dev/null && APDB_HOME=$survey_home ./apdb up >/dev/null
fi
run bv-survey-cold "$survey_home" bench visits --preset survey --months 12 --visits 5 --clients 8 --cold --out "$out/bv-survey-cold" --json
run reload-survey "$survey_home" load-history --preset survey --months 12 --replace --json
run bv-survey-55 "$survey_home" bench visits --preset survey --months 12 --visits 55 --clients 8 --out "$out/bv-survey-55" --json
for home in "$survey_home" "$fov_home"; do APDB_HOME=$home ./apdb down >/dev/null || true; done
log done
