// The front-end harness (issue 6): runs ImageFrontEnd on full 4096 x 4096 detector-visits of one preset, records the
// time of every stage and the quality against the simulation's truth, and writes the post-ISR science image of the
// first detector-visit so run.sh can time SExtractor and `apdb detect` on the same pixels.
// Usage: FrontendHarness --preset demo --visits 3 [--detector D] [--seed 1] [--subtraction auto|convolveTemplate|convolveScience] [--decorrelate 0|1]
//        [--exclude-variables 0|1] [--template-seeing ARCSEC] [--first N] [--debug 1 [--kernel 1] [--flux 1]] --out DIR
//        FrontendHarness --crowded DIR --cli PATH [--seeds 11,12,13] [--repeat 3]   (issue 17: crowded fields, apdb detect against SExtractor)
using System.Globalization;
using System.Text;
using System.Text.Json;
using Apdb.Frontend;
using Apdb.Frontend.Isr;
using Apdb.Imaging;
using Apdb.Simulation;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

if (Arg("--crowded", "") is { Length: > 0 } crowdedDir)
{
    var seeds = Arg("--seeds", "11,12,13").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
    Environment.Exit(Apdb.FrontendHarness.CrowdedComparison.Run(crowdedDir, Arg("--cli", "src/Cli/bin/Release/net10.0/Apdb.Cli"), seeds,
        int.Parse(Arg("--repeat", "3"), CultureInfo.InvariantCulture)));
}

var preset = SkyPreset.Find(Arg("--preset", "demo")) ?? throw new ArgumentException("unknown preset");
var visits = int.Parse(Arg("--visits", "3"), CultureInfo.InvariantCulture);
var seed = long.Parse(Arg("--seed", "1"), CultureInfo.InvariantCulture);
var outDir = Arg("--out", "benchmarks/frontend/results");
Directory.CreateDirectory(outDir);
var cadence = Cadence.Create(preset, 12, seed);
var truth = new SkyTruth(preset, seed, cadence.StartMjd, cadence.EndMjd);
var frontEnd = new ImageFrontEnd(truth, new FrontEndOptions
{
    Render = new RenderOptions
    {
        CosmicRaysPerMegapixel = double.Parse(Arg("--cosmic-rays", "40"), CultureInfo.InvariantCulture),
        TemplateDepthFactor = double.Parse(Arg("--template-depth", "4"), CultureInfo.InvariantCulture),
        Distortion = Arg("--distortion", "1") == "1",
        TemplateSeeingArcsec = double.Parse(Arg("--template-seeing", "0.65"), CultureInfo.InvariantCulture),
    },
    SubtractionMode = Enum.Parse<SubtractionMode>(Arg("--subtraction", "Auto"), ignoreCase: true),
    Decorrelate = Arg("--decorrelate", "1") == "1",
});

// The detector nearest the region's centre in each visit (most sources), unless one is given.
int DetectorFor(Visit v) => Arg("--detector", "") is { Length: > 0 } d ? int.Parse(d, CultureInfo.InvariantCulture)
    : Enumerable.Range(0, CameraLayout.DetectorCount).OrderBy(k => AngularDistance.Degrees(v.Geometry.PixelToSky(k, 2047.5, 2047.5), preset.Center)).First();

// --exclude-variables 1: the truth's variable stars stand in for the preloaded DiaObjects (the APDB's year of history
// holds a DiaObject for each variable it detected), and stamps on them are left out of the kernel fit.
IReadOnlyList<SkyPosition> knownVariables = Arg("--exclude-variables", "0") == "1" ? [.. Enumerable.Range(0, truth.VariableCount).Select(truth.VariablePosition)] : [];
var rows = new List<Dictionary<string, object>>();
var csv = new StringBuilder("visit,detector,band,seeing,simulate,isr,calibrate,subtract,detect,total,astromRmsMasVsTruth,zpRatio,noiseRatio,kernelSum,diaSources,diaCompleteness10,diaFalse,diaFiltered,convolvedScience,diaFluxRatio,diaFluxRatioVsKernel,starResidual,stampChange,stampVariables,blankPullSigma,blankForcedPullSigma,changePullSigma\n");
// --first N skips the first N of the chosen detector-visits (to rerun one of them).
for (var n = int.Parse(Arg("--first", "0"), CultureInfo.InvariantCulture); n < visits; n++)
{
    var visit = cadence.Visits[n * 7 % cadence.Visits.Count];
    var detector = DetectorFor(visit);
    var report = frontEnd.ProcessDetailed(visit, detector, knownVariables);
    var r = report.Rendered;
    var stages = report.Result.Stages.ToDictionary(s => s.Stage, s => s.Seconds);
    var total = stages.Where(s => s.Key != "simulate").Sum(s => s.Value);

    // Astrometry against the true WCS on a 128-pixel grid.
    var wcs = report.Result.Science.Wcs!;
    var errors = new List<double>();
    for (var y = 0; y < 4096; y += 128)
    {
        for (var x = 0; x < 4096; x += 128)
        {
            errors.Add(AngularDistance.Degrees(wcs.PixelToSky(x, y), r.TrueWcs.PixelToSky(x, y)) * 3.6e6);
        }
    }

    var astromRms = Math.Sqrt(errors.Average(e => e * e));
    var zpRatio = report.Diagnostics.NanojanskyPerElectron / r.NanojanskyPerElectron;

    // DIA completeness: truth changes (science - template) at S/N >= 10 (sky-limited point-source noise of the visit).
    var pointNoise = visit.SkyNoiseNjy;
    // The noise of a PSF flux: sky, plus the source's own Poisson noise (4/3 F per nJy-per-electron for a Gaussian PSF
    // and an unweighted fit), plus the template's.
    double Noise(TruthSource t) => Math.Sqrt((pointNoise * pointNoise * (1 + (1.0 / 16))) + (4.0 / 3.0 * Math.Max(t.ScienceFluxNjy, 0) * r.NanojanskyPerElectron));
    var changes = r.Truth.Where(t => t.Kind != RenderedKind.Star && t.Kind != RenderedKind.Host && Math.Abs(t.DifferenceFluxNjy) / Noise(t) >= 10
        && t.X > 20 && t.Y > 20 && t.X < 4076 && t.Y < 4076).ToList();
    var dia = report.Result.DiaSources;
    var found = changes.Count(c => dia.Any(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0)));
    // DIA flux against truth: median psfFlux / true difference flux over the found changes (unbiased in science nJy).
    var fluxRatios = changes.Select(c => dia.Where(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0)).Select(d => (double)(d.PsfFlux ?? float.NaN) / c.DifferenceFluxNjy).FirstOrDefault(double.NaN))
        .Where(double.IsFinite).Order().ToList();
    var diaFluxRatio = fluxRatios.Count == 0 ? double.NaN : fluxRatios[fluxRatios.Count / 2];
    // The same against the change the fitted kernel sum implies, (zpRatio * science - kernelSum * template): what the
    // measurement gives once the subtraction's flux scale is taken as it was fitted.
    var kernelRatios = changes.Select(c => dia.Where(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0))
            .Select(d => (double)(d.PsfFlux ?? float.NaN) / ((zpRatio * c.ScienceFluxNjy) - (report.Diagnostics.KernelSum * c.TemplateFluxNjy))).FirstOrDefault(double.NaN))
        .Where(double.IsFinite).Order().ToList();
    var diaFluxRatioVsKernel = kernelRatios.Count == 0 ? double.NaN : kernelRatios[kernelRatios.Count / 2];
    var anyChange = r.Truth.Where(t => t.Kind != RenderedKind.Star && t.Kind != RenderedKind.Host && Math.Abs(t.DifferenceFluxNjy) > 0).ToList();
    var falses = dia.Count(d => !anyChange.Any(c => Math.Abs(d.X - c.X) < 3 && Math.Abs(d.Y - c.Y) < 3));
    var completeness = changes.Count == 0 ? double.NaN : (double)found / changes.Count;
    // What the subtraction leaves of bright isolated static stars (difference PSF flux / star flux: a kernel-sum error
    // leaves 1 - sum of each), and what the kernel sum follows: the truth flux change of the point sources the stamps
    // are drawn from (S/N 10-500), sum(science - template) / sum(template), variables included.
    var sciPsf = report.Result.Science.Psf!;
    var staticStars = r.Truth.Where(t => t.Kind == RenderedKind.Star && t.ScienceFluxNjy > 1e5 && t.X > 30 && t.Y > 30 && t.X < 4066 && t.Y < 4066
        && !r.Truth.Any(o => o.Index != t.Index && Math.Abs(o.X - t.X) < 10 && Math.Abs(o.Y - t.Y) < 10 && o.ScienceFluxNjy > 0.01 * t.ScienceFluxNjy)).ToList();
    var diffMeasurer = new Apdb.Frontend.Measurement.SourceMeasurer();
    var residuals = staticStars.Select(t => diffMeasurer.PsfFlux(report.Result.Difference, sciPsf, t.X, t.Y).Flux / t.TemplateFluxNjy).Where(double.IsFinite).Order().ToList();
    var starResidual = residuals.Count > 0 ? residuals[residuals.Count / 2] : double.NaN;
    var stampStars = r.Truth.Where(t => (t.Kind == RenderedKind.Star || t.Kind == RenderedKind.Variable) && t.ScienceFluxNjy / Noise(t) is >= 10 and <= 500).ToList();
    var stampChange = stampStars.Sum(t => t.DifferenceFluxNjy) / stampStars.Sum(t => t.TemplateFluxNjy);
    var stampVariables = stampStars.Count(t => t.Kind == RenderedKind.Variable);
    var (blankDia, blankForced, blankCount) = BlankPulls(report.Result.Difference, r.Truth);
    // Pulls of the found changes: (psfFlux - true change) / psfFluxErr.
    var changePulls = changes.Select(c => dia.Where(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0))
            .Select(d => ((double)(d.PsfFlux ?? float.NaN) - c.DifferenceFluxNjy) / (double)(d.PsfFluxErr ?? float.NaN)).FirstOrDefault(double.NaN))
        .Where(double.IsFinite).ToList();
    var changePullSigma = changePulls.Count > 2 ? Math.Sqrt(changePulls.Sum(p => (p - changePulls.Average()) * (p - changePulls.Average())) / (changePulls.Count - 1)) : double.NaN;
    csv.Append(string.Create(CultureInfo.InvariantCulture,
        $"{visit.VisitId},{detector},{visit.BandLetter},{visit.SeeingArcsec:F2},{stages["simulate"]:F3},{stages["isr"]:F3},{stages["calibrate"]:F3},{stages["subtract"]:F3},{stages["detect"]:F3},{total:F3},{astromRms:F2},{zpRatio:F5},{report.Diagnostics.DifferenceNoiseRatio:F4},{report.Diagnostics.KernelSum:F4},{dia.Count},{completeness:F3},{falses},{report.Diagnostics.DiaFiltered},{report.Diagnostics.ConvolvedScience},{diaFluxRatio:F4},{diaFluxRatioVsKernel:F4},{starResidual:F4},{stampChange:F4},{stampVariables}/{stampStars.Count},{blankDia:F3},{blankForced:F3},{changePullSigma:F3}\n"));
    rows.Add(new Dictionary<string, object>
    {
        ["visit"] = visit.VisitId, ["detector"] = detector, ["band"] = visit.BandLetter.ToString(), ["seeing"] = visit.SeeingArcsec,
        ["stages"] = stages, ["totalWithoutSimulate"] = total, ["astrometryRmsMasVsTruth"] = astromRms, ["zeroPointRatio"] = zpRatio,
        ["diagnostics"] = report.Diagnostics, ["diaSources"] = dia.Count, ["diaChangesSnr10"] = changes.Count, ["diaFound"] = found,
        ["diaFalse"] = falses, ["diaFluxRatio"] = diaFluxRatio, ["diaFluxRatioVsKernel"] = diaFluxRatioVsKernel, ["brightStarResidual"] = starResidual, ["stampPopulationChange"] = stampChange, ["stampVariables"] = new[] { stampVariables, stampStars.Count }, ["blankPullSigma"] = blankDia, ["blankForcedPullSigma"] = blankForced, ["blankPositions"] = blankCount, ["changePullSigma"] = changePullSigma, ["changePulls"] = changePulls.Count, ["diaMissedExamples"] = changes.Where(c => !dia.Any(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0)))
            .Select(c => new { Kind = c.Kind.ToString(), c.X, c.Y, c.DifferenceFluxNjy, c.ScienceFluxNjy, Snr = c.DifferenceFluxNjy / Noise(c), Near = dia.Where(d => Math.Abs(d.X - c.X) < 6 && Math.Abs(d.Y - c.Y) < 6).Select(d => new { d.X, d.Y, d.PsfFlux, d.Snr }).ToList() }).ToList(), ["steps"] = report.Diagnostics.Steps.ToDictionary(s => s.Stage, s => s.Seconds), ["stamps"] = new[] { report.Diagnostics.Stamps.Used, report.Diagnostics.Stamps.Offered }, ["cpuSeconds"] = report.Diagnostics.StageCpuSeconds.ToDictionary(s => s.Stage, s => s.Seconds), ["diaFalseExamples"] = dia.Where(d => !anyChange.Any(c => Math.Abs(d.X - c.X) < 3 && Math.Abs(d.Y - c.Y) < 3)).Take(10)
            .Select(d => new { d.X, d.Y, d.PsfFlux, d.Snr, d.ScienceFlux, d.IsNegative, d.IsDipole }).ToList(),
    });
    Console.Error.WriteLine(csv.ToString().Split('\n')[^2]);
    if (Arg("--debug", "") == "1")
    {
        if (Arg("--kernel", "") == "1")
        {
            // The matching kernel in both directions at the detector centre: sum and radial profile.
            var sci = report.Result.Science;
            var warped = new Apdb.Frontend.Subtraction.TemplateWarper().Warp(r.Template, sci.Wcs!, sci.Width, sci.Height);
            var (starPeaks, starSnr) = new Apdb.Frontend.Detection.SourceDetector { Threshold = 5 }.Detect(sci, sci.Psf!.FwhmPixels);
            var meas = new Apdb.Frontend.Measurement.SourceMeasurer().Measure(sci, starPeaks, starSnr)
                .Where(s => s.Flags == Apdb.Frontend.Measurement.MeasurementFlags.None && s.PsfFluxErr > 0).Select(s => (s.X, s.Y, s.PsfFlux / s.PsfFluxErr)).ToList();
            // The same fit with the truth's variable stars left out of the stamp candidates (what a variable-free
            // stamp population would give).
            var variablesAt = r.Truth.Where(t => t.Kind == RenderedKind.Variable).ToList();
            var noVariables = meas.Where(s => !variablesAt.Any(t => Math.Abs(t.X - s.X) < 2 && Math.Abs(t.Y - s.Y) < 2)).ToList();
            var withoutVariables = new Apdb.Frontend.Subtraction.AlardLuptonMatcher().Fit(sci, warped, noVariables, false);
            Console.Error.WriteLine($"kernel without the truth's variables among the stamps: stamps {withoutVariables.StampsUsed}/{withoutVariables.StampsOffered} sum {withoutVariables.KernelImage(2048, 2048).Sum():F4} (zero point fitted/true {zpRatio:F5})");
            foreach (var cs in new[] { false, true })
            {
                var m = new Apdb.Frontend.Subtraction.AlardLuptonMatcher();
                var fit = m.Fit(sci, warped, meas, cs);
                var img = fit.KernelImage(2048, 2048);
                var size = (int)Math.Sqrt(img.Length);
                var half = size / 2;
                var radial = new double[half + 1];
                for (var b = 0; b < size; b++) for (var a = 0; a < size; a++) { var rr = (int)Math.Round(Math.Sqrt(((a - half) * (a - half)) + ((b - half) * (b - half)))); if (rr <= half) radial[rr] += img[(b * size) + a]; }
                Console.Error.WriteLine($"kernel convolveScience={cs} stamps {fit.StampsUsed}/{fit.StampsOffered} sum {img.Sum():F4} sumsq {img.Sum(v => v * v):F4} centre {img[(half * size) + half]:F4} radial {string.Join(' ', radial.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}");
            }
        }

        if (Arg("--flux", "") == "1")
        {
            // Per found change: DIA psfFlux and apFlux against the truth, the science PSF flux at the same place against
            // the true science flux, the true PSF width there against the model's, the centroid offset, and the ratio the
            // fitted kernel sum implies: (zpRatio * science - kernelSum * template) / (science - template).
            var modelSigma = sciPsf.FwhmPixels / GaussianPsf.FwhmPerSigma;
            var sciPsfOverTrue = staticStars.Select(t => diffMeasurer.PsfFlux(report.Result.Science, sciPsf, t.X, t.Y).Flux / t.ScienceFluxNjy).Order().ToList();
            var sciApOverTrue = staticStars.Select(t => Aperture(report.Result.Science, t.X, t.Y, 12) / t.ScienceFluxNjy).Order().ToList();
            var warpedT = new Apdb.Frontend.Subtraction.TemplateWarper().Warp(r.Template, report.Result.Science.Wcs!, report.Result.Science.Width, report.Result.Science.Height);
            var tmplApOverTrue = staticStars.Select(t => Aperture(warpedT, t.X, t.Y, 12) / t.TemplateFluxNjy).Order().ToList();
            Console.Error.WriteLine($"static stars > 1e5 nJy: science psfFlux / true {sciPsfOverTrue[sciPsfOverTrue.Count / 2]:F4}, 12-px aperture / true: science {sciApOverTrue[sciApOverTrue.Count / 2]:F4}, warped template {tmplApOverTrue[tmplApOverTrue.Count / 2]:F4}");
            Console.Error.WriteLine($"static stars > 1e5 nJy: {residuals.Count}, difference psfFlux / star flux median {(residuals.Count > 0 ? residuals[residuals.Count / 2] : double.NaN):F4} quartiles {(residuals.Count > 3 ? residuals[residuals.Count / 4] : double.NaN):F4} {(residuals.Count > 3 ? residuals[3 * residuals.Count / 4] : double.NaN):F4}");
            foreach (var c in changes)
            {
                foreach (var d in dia.Where(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2 && (d.IsNegative == true) == (c.DifferenceFluxNjy < 0)).Take(1))
                {
                    var trueSigma = r.ScienceFwhmPixels / GaussianPsf.FwhmPerSigma * (1.0 + (0.03 * (c.X - 2047.5) / 2047.5) + (0.02 * (c.Y - 2047.5) / 2047.5));
                    var predicted = 2 * modelSigma * modelSigma / ((modelSigma * modelSigma) + (trueSigma * trueSigma));
                    Console.Error.WriteLine($"flux {c.Kind} ({c.X:F0},{c.Y:F0}) true {c.DifferenceFluxNjy:F0} sci {c.ScienceFluxNjy:F0} tmpl {c.TemplateFluxNjy:F0} psf/true {d.PsfFlux / c.DifferenceFluxNjy:F3} ap/true {d.ApFlux / c.DifferenceFluxNjy:F3} sciPsf/trueSci {d.ScienceFlux / c.ScienceFluxNjy:F3} sigmaTrue/model {trueSigma / modelSigma:F3} gaussPred {predicted:F3} kernelImplied {((zpRatio * c.ScienceFluxNjy) - (report.Diagnostics.KernelSum * c.TemplateFluxNjy)) / c.DifferenceFluxNjy:F3} dxy ({d.X - c.X:F2},{d.Y - c.Y:F2}) snr {d.Snr:F1}");
                }
            }
        }

        // Re-detect on the difference and show what happened near each missed change.
        var diff = report.Result.Difference;
        var (peaks, snrImage) = new Apdb.Frontend.Detection.SourceDetector { Threshold = 5, BothSigns = true }.Detect(diff, report.Result.Science.Psf!.FwhmPixels);
        var measured = new Apdb.Frontend.Measurement.SourceMeasurer().Measure(diff, peaks, snrImage);
        foreach (var f in dia.Where(d => !anyChange.Any(c => Math.Abs(d.X - c.X) < 3 && Math.Abs(d.Y - c.Y) < 3)))
        {
            var star = r.Truth.Where(t => Math.Abs(t.X - f.X) < 8 && Math.Abs(t.Y - f.Y) < 8).Select(t => $"{t.Kind}:{t.ScienceFluxNjy:F0}@{t.X - f.X:F1},{t.Y - f.Y:F1}");
            var k = ((int)Math.Round(f.Y) * diff.Width) + (int)Math.Round(f.X);
            var crNear = 0;
            for (var dy = -3; dy <= 3; dy++) for (var dx = -3; dx <= 3; dx++) { var kk = k + (dy * diff.Width) + dx; if (kk >= 0 && kk < diff.Mask.Length && (report.Result.Science.Mask[kk] & 8) != 0) crNear++; }
            Console.Error.WriteLine($"false ({f.X:F1},{f.Y:F1}) flux {f.PsfFlux:F0} snr {f.Snr:F1} neg {f.IsNegative} sci {f.ScienceFlux:F0} crPixelsNear {crNear} truthNear [{string.Join(' ', star)}]");
        }

        foreach (var c in changes.Where(c => !dia.Any(d => Math.Abs(d.X - c.X) < 2 && Math.Abs(d.Y - c.Y) < 2)))
        {
            var k = ((int)Math.Round(c.Y) * diff.Width) + (int)Math.Round(c.X);
            Console.Error.WriteLine($"miss {c.Kind} ({c.X:F1},{c.Y:F1}) diff {c.DifferenceFluxNjy:F0} snrImage {snrImage[k]:F1} mask {diff.Mask[k]} sciMask {report.Result.Science.Mask[k]} img {diff.Image[k]:F1} var {diff.Variance[k]:F1}");
            foreach (var m in measured.Where(m => Math.Abs(m.X - c.X) < 8 && Math.Abs(m.Y - c.Y) < 8))
            {
                Console.Error.WriteLine($"   peak ({m.X:F1},{m.Y:F1}) flux {m.PsfFlux:F0} snr {m.Snr:F1} flags {m.Flags} stampMask {m.StampMask} centerMask {m.CenterMask}");
            }
        }
    }

    if (n == 0)
    {
        // The same science pixels for the peers: after ISR (electrons, background still in), with the initial WCS.
        var science = new IsrTask().Run(r.Raw, r.Calibration);
        var header = science.Metadata.Clone();
        header.Set("GAIN", 1.0, "[e-/ADU] electrons after ISR");
        r.InitialWcs.WriteTo(header);
        FitsFile.Write(Path.Combine(outDir, "science.fits"), [new FitsHdu(header, new FitsImage(science.Image, [science.Width, science.Height]))]);
        // Its truth in electrons, with the expected S/N of each source (sky + own Poisson noise), for the peer comparison.
        var truthCsv = new StringBuilder("x,y,electrons,snr\n");
        foreach (var t in r.Truth.Where(t => t.ScienceFluxNjy > 0))
        {
            truthCsv.Append(string.Create(CultureInfo.InvariantCulture, $"{t.X:F3},{t.Y:F3},{t.ScienceFluxNjy / r.NanojanskyPerElectron:G8},{t.ScienceFluxNjy / Noise(t):F2}\n"));
        }

        File.WriteAllText(Path.Combine(outDir, "science-truth.csv"), truthCsv.ToString());
    }
}

// Standard deviation of flux / error at up to 3000 positions on a 40-px grid with no truth source within 12 px and no
// unusable pixel within 8 px: the DIA PSF fit (psfFluxErr) and the forced PSF fit (no empirical error rescale).
static (double Dia, double Forced, int Count) BlankPulls(Exposure difference, IReadOnlyList<TruthSource> truth)
{
    var occupied = new HashSet<(int, int)>();
    foreach (var t in truth.Where(t => Math.Abs(t.ScienceFluxNjy) + Math.Abs(t.TemplateFluxNjy) > 0))
    {
        for (var dy = -1; dy <= 1; dy++) for (var dx = -1; dx <= 1; dx++) occupied.Add(((int)Math.Floor(t.X / 12) + dx, (int)Math.Floor(t.Y / 12) + dy));
    }

    var xs = new List<double>();
    var ys = new List<double>();
    for (var y = 60.5; y < difference.Height - 60; y += 40)
    {
        for (var x = 60.5; x < difference.Width - 60; x += 40)
        {
            if (!occupied.Contains(((int)Math.Floor(x / 12), (int)Math.Floor(y / 12))) && Clean(difference, (int)x, (int)y, 8))
            {
                xs.Add(x);
                ys.Add(y);
            }
        }
    }

    var measurer = new Apdb.Frontend.Measurement.SourceMeasurer();
    var dia = xs.Select((x, i) => measurer.PsfFlux(difference, difference.Psf!, x, ys[i])).Where(m => m.Err > 0).Select(m => m.Flux / m.Err).ToList();
    var forced = new Apdb.ForcedPhot.PsfAmplitudeFitter(new Apdb.ForcedPhot.ForcedPhotOptions { BlendRadiusFwhm = 0 }).Measure(difference, [.. xs], [.. ys])
        .Where(m => m.InstFluxErr > 0).Select(m => m.InstFlux / m.InstFluxErr).ToList();
    return (StdDev(dia), StdDev(forced), xs.Count);
}

static bool Clean(Exposure e, int x, int y, int r)
{
    for (var j = y - r; j <= y + r; j++) for (var i = x - r; i <= x + r; i++) if ((e.Mask[(j * e.Width) + i] & (int)MaskPlanes.Unusable) != 0 || !float.IsFinite(e.Image[(j * e.Width) + i])) return false;
    return true;
}

static double StdDev(List<double> v) => v.Count < 3 ? double.NaN : Math.Sqrt(v.Sum(p => (p - v.Average()) * (p - v.Average())) / (v.Count - 1));

static double Aperture(Exposure e, double x, double y, double radius)
{
    double sum = 0;
    for (var j = (int)(y - radius); j <= (int)(y + radius) + 1; j++)
    {
        for (var i = (int)(x - radius); i <= (int)(x + radius) + 1; i++)
        {
            if (i >= 0 && j >= 0 && i < e.Width && j < e.Height && ((i - x) * (i - x)) + ((j - y) * (j - y)) <= radius * radius)
            {
                sum += e.Image[(j * e.Width) + i];
            }
        }
    }

    return sum;
}

File.WriteAllText(Path.Combine(outDir, "frontend.csv"), csv.ToString());
File.WriteAllText(Path.Combine(outDir, "frontend.json"), JsonSerializer.Serialize(new { preset = preset.Name, seed, points = rows }, new JsonSerializerOptions { WriteIndented = true }));
Console.Out.Write(csv);
