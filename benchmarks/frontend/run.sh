#!/usr/bin/env bash
# The front-end benchmark (issue 6): ImageFrontEnd on full 4096 x 4096 detector-visits (per-stage wall and CPU seconds,
# quality against the simulation's truth), then SExtractor and `apdb detect` on the same post-ISR science image, each
# timed REPEAT times; medians and the front end / SExtractor ratio go to results/summary.txt.
# Usage: benchmarks/frontend/run.sh [preset=demo] [visits=3] [repeat=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset="${1:-demo}"
visits="${2:-3}"
repeat="${3:-3}"
out="$root/benchmarks/frontend/results"
work="$root/artifacts/frontend"   # the 67 MB science image and the catalogs stay out of the repository
mkdir -p "$out" "$work"
cd "$root"
dotnet build benchmarks/FrontendHarness -c Release --nologo -v quiet -o artifacts/frontend-harness >/dev/null
dotnet build src/Cli -c Release --nologo -v quiet >/dev/null
cli="$root/src/Cli/bin/Release/net10.0/apdb"
dotnet artifacts/frontend-harness/Apdb.FrontendHarness.dll --preset "$preset" --visits "$visits" --out "$work" > /dev/null
cp "$work/frontend.csv" "$work/frontend.json" "$out/"

# Peers on the same pixels: SExtractor 2.25 with its Debian defaults (1.5 sigma, minarea 5, 3x3 pyramid filter,
# 64-px meshes) writing position, FLUX_AUTO and an aperture flux; `apdb detect` at 5 sigma (its default).
printf "X_IMAGE\nY_IMAGE\nFLUX_AUTO\nFLUXERR_AUTO\nFLUX_APER\nFLUXERR_APER\n" > "$work/sex.param"
echo "tool,run,wallSeconds,cpuSeconds,sources" > "$out/peers.csv"
for i in $(seq 1 "$repeat"); do
  if command -v source-extractor >/dev/null; then
    /usr/bin/time -f "%e %U %S" -o "$work/t.txt" source-extractor "$work/science.fits" -c /usr/share/source-extractor/default.sex \
      -PARAMETERS_NAME "$work/sex.param" -CATALOG_NAME "$work/sex.cat" -CATALOG_TYPE ASCII \
      -FILTER_NAME /usr/share/source-extractor/default.conv -VERBOSE_TYPE QUIET -CHECKIMAGE_TYPE NONE
    read -r wall user sys < "$work/t.txt"
    echo "sextractor,$i,$wall,$(python3 -c "print($user+$sys)"),$(grep -vc '^#' "$work/sex.cat")" >> "$out/peers.csv"
  fi
  /usr/bin/time -f "%e %U %S" -o "$work/t.txt" "$cli" detect --image "$work/science.fits" --out "$work/ours.csv" >/dev/null
  read -r wall user sys < "$work/t.txt"
  echo "apdb-detect,$i,$wall,$(python3 -c "print($user+$sys)"),$(( $(wc -l < "$work/ours.csv") - 1 ))" >> "$out/peers.csv"
done
rm -f "$work/t.txt"

python3 - "$out" "$work" <<'PY' | tee "$out/summary.txt"
import csv, json, os, statistics, sys
out = sys.argv[1]
fe = json.load(open(f"{out}/frontend.json"))
peers = list(csv.DictReader(open(f"{out}/peers.csv")))
med = lambda xs: statistics.median(xs) if xs else float("nan")
stages = ["simulate", "isr", "calibrate", "subtract", "detect"]
print(f"front end, {len(fe['points'])} detector-visits of 4096x4096 ({fe['preset']}), median seconds per stage (wall / CPU):")
for s in stages:
    print(f"  {s:10s} {med([p['stages'][s] for p in fe['points']]):7.2f} / {med([p['cpuSeconds'][s] for p in fe['points']]):7.2f}")
total = med([p["totalWithoutSimulate"] for p in fe["points"]])
cpu = med([sum(v for k, v in p["cpuSeconds"].items() if k != "simulate") for p in fe["points"]])
print(f"  total (without simulate) {total:.2f} wall / {cpu:.2f} CPU")
steps = fe["points"][0]["steps"].keys()
print("  steps (median wall): " + ", ".join(f"{k} {med([p['steps'][k] for p in fe['points']]):.2f}" for k in steps))
print("quality: astrometric RMS vs truth (mas) " + ", ".join(f"{p['astrometryRmsMasVsTruth']:.1f}" for p in fe["points"])
      + "; zero point ratio " + ", ".join(f"{p['zeroPointRatio']:.4f}" for p in fe["points"])
      + "; difference noise / propagated " + ", ".join(f"{p['diagnostics']['DifferenceNoiseRatio']:.3f}" for p in fe["points"]))
print("DIA: changes at S/N>=10 found " + ", ".join(f"{p['diaFound']}/{p['diaChangesSnr10']}" for p in fe["points"])
      + "; DiaSources " + ", ".join(str(p["diaSources"]) for p in fe["points"])
      + "; unmatched to any truth change " + ", ".join(str(p["diaFalse"]) for p in fe["points"])
      + "; median psfFlux / true change " + ", ".join(f"{p['diaFluxRatio']:.3f}" for p in fe["points"])
      + "; science convolved " + ", ".join(str(p["diagnostics"]["ConvolvedScience"]) for p in fe["points"]))
print("DIA flux scale: median psfFlux / change implied by the fitted kernel sum " + ", ".join(f"{p['diaFluxRatioVsKernel']:.3f}" for p in fe["points"])
      + "; kernel sum " + ", ".join(f"{p['diagnostics']['KernelSum']:.4f}" for p in fe["points"])
      + "; bright static stars left in the difference (psfFlux / flux) " + ", ".join(f"{p['brightStarResidual']:+.4f}" for p in fe["points"])
      + "; truth flux change of the S/N 10-500 point sources (stamp population) " + ", ".join(f"{p['stampPopulationChange']:+.4f}" for p in fe["points"])
      + "; variables among them " + ", ".join(f"{p['stampVariables'][0]}/{p['stampVariables'][1]}" for p in fe["points"]))
for tool in ("sextractor", "apdb-detect"):
    rows = [r for r in peers if r["tool"] == tool]
    if rows:
        print(f"{tool}: median {med([float(r['wallSeconds']) for r in rows]):.2f} s wall, {med([float(r['cpuSeconds']) for r in rows]):.2f} s CPU, {rows[0]['sources']} sources")
# Detection quality of both peers on the science image against its truth: completeness for sources at S/N >= 10 with
# no other source of at least half their flux within 7 px, detections with no truth source within 3 px, and the
# median flux ratio (ours: PSF flux; SExtractor: FLUX_AUTO) for isolated, unsaturated stars with S/N 20-500.
work = sys.argv[2]
truth = [tuple(map(float, r.values())) for r in csv.DictReader(open(f"{work}/science-truth.csv"))]
def cells(points, size=8):
    g = {}
    for i, p in enumerate(points):
        g.setdefault((int(p[0] // size), int(p[1] // size)), []).append(i)
    return g
tg = cells(truth)
def near(points, grid, x, y, r):
    out = []
    for gx in range(int(x // 8) - 1, int(x // 8) + 2):
        for gy in range(int(y // 8) - 1, int(y // 8) + 2):
            for i in grid.get((gx, gy), []):
                if abs(points[i][0] - x) < r and abs(points[i][1] - y) < r:
                    out.append(i)
    return out
isolated = [t for t in truth if t[3] >= 10 and 20 < t[0] < 4076 and 20 < t[1] < 4076
            and not any(truth[j] is not t and truth[j][2] > 0.5 * t[2] for j in near(truth, tg, t[0], t[1], 7))]
def score(name, found):
    fg = cells(found)
    hits = [t for t in isolated if near(found, fg, t[0], t[1], 1.5)]
    unmatched = sum(1 for f in found if not near(truth, tg, f[0], f[1], 3))
    ratios = sorted(found[near(found, fg, t[0], t[1], 1.5)[0]][2] / t[2] for t in hits if 20 <= t[3] <= 500)
    print(f"{name}: completeness {len(hits)}/{len(isolated)} = {len(hits) / len(isolated):.3f} at S/N >= 10 (isolated), "
          f"{unmatched} of {len(found)} detections with no truth source within 3 px, median flux / true {ratios[len(ratios) // 2]:.4f} over {len(ratios)}")
ours = [(float(r["x"]), float(r["y"]), float(r["psfFlux"])) for r in csv.DictReader(open(f"{work}/ours.csv"))]
score("apdb detect (psfFlux)", ours)
if os.path.exists(f"{work}/sex.cat"):
    rows = [l.split() for l in open(f"{work}/sex.cat") if not l.startswith("#")]
    score("SExtractor (FLUX_AUTO)", [(float(v[0]) - 1, float(v[1]) - 1, float(v[2])) for v in rows])
sex = [r for r in peers if r["tool"] == "sextractor"]
if sex:
    print(f"ratio front end / SExtractor: {total / med([float(r['wallSeconds']) for r in sex]):.1f}x wall, {cpu / med([float(r['cpuSeconds']) for r in sex]):.1f}x CPU")
PY
