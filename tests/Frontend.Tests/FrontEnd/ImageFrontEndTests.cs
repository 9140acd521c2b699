using Apdb.Frontend.Dia;
using Apdb.Simulation.Rendering;
using Apdb.Sky;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class ImageFrontEndTests(WindowRun run, ITestOutputHelper output) : IClassFixture<WindowRun>
{
    [Fact]
    public void Stages_are_reported_in_order_with_simulate_apart()
    {
        output.WriteLine(run.Report.Diagnostics.ToString());
        Assert.Equal(["simulate", "isr", "calibrate", "subtract", "detect"], run.Report.Result.Stages.Select(s => s.Stage));
        Assert.All(run.Report.Result.Stages, s => Assert.True(s.Seconds >= 0));
    }

    [Fact]
    public void Fitted_wcs_matches_the_true_wcs_to_better_than_20_mas()
    {
        var fitted = run.Report.Result.Science.Wcs!;
        var truth = run.Rendered.TrueWcs;
        var initial = run.Rendered.InitialWcs;
        var errors = new List<double>();
        var initialErrors = new List<double>();
        for (var y = 0; y < 512; y += 32)
        {
            for (var x = 0; x < 512; x += 32)
            {
                errors.Add(AngularDistance.Degrees(fitted.PixelToSky(x, y), truth.PixelToSky(x, y)) * 3.6e6);
                initialErrors.Add(AngularDistance.Degrees(initial.PixelToSky(x, y), truth.PixelToSky(x, y)) * 3.6e6);
            }
        }

        var rms = Math.Sqrt(errors.Average(e => e * e));
        output.WriteLine($"fitted vs true: rms {rms:F1} mas, max {errors.Max():F1} mas; initial rms {Math.Sqrt(initialErrors.Average(e => e * e)):F0} mas; fit residual rms {run.Report.Diagnostics.AstrometryRmsMas:F1} mas over {run.Report.Diagnostics.AstrometryMatches} stars");
        Assert.True(Math.Sqrt(initialErrors.Average(e => e * e)) > 200, "the initial WCS should be off by a fraction of an arcsecond");
        Assert.True(rms < 20, $"astrometric RMS against truth {rms:F1} mas");
    }

    [Fact]
    public void Zero_point_is_within_one_percent_of_truth()
    {
        var ratio = run.Report.Diagnostics.NanojanskyPerElectron / run.Rendered.NanojanskyPerElectron;
        output.WriteLine($"fitted/true nJy per electron = {ratio:F4} from {run.Report.Diagnostics.ZeroPointStars} stars");
        Assert.InRange(ratio, 0.99, 1.01);
    }

    [Fact]
    public void Injected_transients_are_found_above_5_sigma_with_their_flux()
    {
        var rows = run.Report.Result.DiaSources;
        foreach (var (x, y, flux) in WindowRun.Injected)
        {
            var match = rows.Where(d => Math.Abs(d.X - x) < 2 && Math.Abs(d.Y - y) < 2).ToList();
            Assert.Single(match);
            var d = match[0];
            output.WriteLine($"injected {flux} nJy at ({x}, {y}): psfFlux {d.PsfFlux:F0} +/- {d.PsfFluxErr:F0}, snr {d.Snr:F1}, scienceFlux {d.ScienceFlux:F0}");
            Assert.False(d.IsNegative);
            Assert.True(d.Snr >= 5);
            Assert.True(Math.Abs(d.PsfFlux!.Value - flux) < Math.Max(4 * d.PsfFluxErr!.Value, 0.05 * flux), $"psfFlux {d.PsfFlux} vs {flux}");
        }
    }

    [Fact]
    public void Difference_noise_matches_the_propagated_variance()
    {
        // Before the rescale: robust sigma of difference / sqrt(variance) away from sources (target 1 +/- 0.1).
        Assert.InRange(run.Report.Diagnostics.DifferenceNoiseRatio, 0.9, 1.1);
    }

    [Fact]
    public void Dia_sources_carry_rubin_columns_and_unique_ids()
    {
        var rows = run.Report.Result.DiaSources;
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, rows.Select(r => r.DiaSourceId).Distinct().Count());
        var wcs = run.Report.Result.Difference.Wcs!;
        foreach (var r in rows)
        {
            Assert.Null(r.DiaObjectId);
            Assert.Equal(Scene.Visit.VisitId, r.Visit);
            Assert.Equal(Scene.Detector, r.Detector);
            Assert.Equal(Scene.Visit.BandLetter.ToString(), r.Band);
            Assert.Equal(Scene.Visit.MidpointMjdTai, r.MidpointMjdTai);
            var (idVisit, idDetector, _) = DiaSourceIds.Split(r.DiaSourceId);
            Assert.Equal((Scene.Visit.VisitId, (int)r.Detector), (idVisit, idDetector));
            var sky = wcs.PixelToSky(r.X, r.Y);
            Assert.True(AngularDistance.Degrees(sky, SkyPosition.FromDegrees(r.Ra, r.Dec)) * 3600 < 0.01);
            Assert.True(r.PsfFluxErr > 0 && r.Snr >= 5);
            Assert.Equal(HealpixNested.Hash(29, SkyPosition.FromDegrees(r.Ra, r.Dec)), r.PixelId);
        }
    }

    [Fact]
    public void Science_detection_is_complete_and_unbiased_for_stars_above_snr_10()
    {
        // Truth stars with expected S/N >= 10 (sky-limited: flux / (sigma_pix sqrt(4 pi sigma^2))), away from the edges.
        var rendered = run.Rendered;
        var science = run.Report.Result.Science;
        var sigmaPsf = rendered.ScienceFwhmPixels / 2.3548;
        var pixelNoiseNjy = Math.Sqrt(rendered.SkyElectrons + 36) * rendered.NanojanskyPerElectron;
        var pointNoise = pixelNoiseNjy * Math.Sqrt(4 * Math.PI * sigmaPsf * sigmaPsf);
        var measured = run.FrontEnd.Calibrate(new Isr.IsrTask().Run(rendered.Raw, rendered.Calibration), rendered.ReferenceCatalog).Sources;
        var stars = rendered.Truth.Where(t => t.Kind == RenderedKind.Star && t.X > 15 && t.Y > 15 && t.X < 497 && t.Y < 497
            && t.ScienceFluxNjy / pointNoise >= 10 && t.ScienceFluxNjy < 2e5).ToList();
        var found = 0;
        var ratios = new List<double>();
        foreach (var s in stars)
        {
            var m = measured.Where(m => Math.Abs(m.X - s.X) < 1.5 && Math.Abs(m.Y - s.Y) < 1.5).ToList();
            if (m.Count > 0)
            {
                found++;
                if (m[0].Flags == Measurement.MeasurementFlags.None)
                {
                    ratios.Add(m[0].PsfFlux / s.ScienceFluxNjy);
                }
            }
        }

        var completeness = (double)found / stars.Count;
        var median = ratios.Order().ElementAt(ratios.Count / 2);
        output.WriteLine($"{found}/{stars.Count} stars at S/N >= 10 found; median psfFlux/true {median:F4} over {ratios.Count}; science image has {science.Width}x{science.Height}");
        Assert.True(stars.Count > 30);
        Assert.True(completeness >= 0.95, $"completeness {completeness:P1}");
        Assert.InRange(median, 0.97, 1.03);
    }
}
