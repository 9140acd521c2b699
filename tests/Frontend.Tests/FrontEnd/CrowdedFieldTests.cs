using Apdb.Imaging;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// Issue 17's crowded-field must-show against SExtractor on the same image in the same run: completeness at S/N &gt;= 10
/// at least SExtractor's with no more false detections, and every synthetic pair (separation 1-4 FWHM, flux ratio
/// 1-100) that SExtractor's default deblending separates is separated by ours. <see cref="ImageDetector"/> is
/// <c>apdb detect</c>; the calibrate step runs the same <c>SourceDetector</c> and <c>SourceMeasurer</c> at the same
/// 5-sigma threshold on its background-subtracted, cosmic-ray-masked exposure.
/// </summary>
public sealed class CrowdedFieldTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-crowded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Crowded_field_completeness_is_at_least_sextractors_with_no_more_false_detections(int seed)
    {
        if (!SourceExtractor.Available(output.WriteLine))
        {
            return;
        }

        const int Size = 768;
        var stars = CrowdedField.Stars(Size, pairs: 220, isolated: 250, seed);
        var path = Write($"crowded-{seed}.fits", Size, Size, Synthetic.Render(Size, Size, stars, CrowdedField.Psf, CrowdedField.Noise, seed + 100, CrowdedField.Background));
        var ours = new ImageDetector().Run(path).Sources;
        var theirs = SourceExtractor.Run(path, _dir);
        var (found1, wanted, false1) = CrowdedField.Score(stars, Size, Size, [.. ours.Select(s => (s.X, s.Y))]);
        var (found2, _, false2) = CrowdedField.Score(stars, Size, Size, [.. theirs.Select(s => (s.X, s.Y))]);
        output.WriteLine($"seed {seed}: {stars.Length} stars, {wanted} at S/N >= 10; ours {found1}/{wanted} found, {false1} false of {ours.Count} " +
            $"({ours.Count(s => (s.Flags & Measurement.MeasurementFlags.Deblended) != 0)} deblended children); SExtractor {found2}/{wanted}, {false2} false of {theirs.Count}");
        Assert.True(found1 >= found2, $"completeness {found1}/{wanted} below SExtractor's {found2}/{wanted}");
        Assert.True(false1 <= false2, $"{false1} false detections, SExtractor {false2}");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Every_pair_sextractor_separates_is_separated_by_ours(int seed)
    {
        if (!SourceExtractor.Available(output.WriteLine))
        {
            return;
        }

        double[] separations = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0];
        double[] ratios = [1, 2, 5, 10, 20, 50, 100];
        const int Cell = 64;
        int width = Cell * separations.Length, height = Cell * ratios.Length;
        var random = new Random(seed);
        var pairs = new List<((double X, double Y, double Flux) A, (double X, double Y, double Flux) B, double Separation, double Ratio)>();
        for (var i = 0; i < separations.Length; i++)
        {
            for (var j = 0; j < ratios.Length; j++)
            {
                // The faint star at S/N ~ 25 against the sky when the ratio is 100.
                var flux = 25 * CrowdedField.PointNoise * 100;
                var x = (Cell * (i + 0.5)) + random.NextDouble() - 0.5;
                var y = (Cell * (j + 0.5)) + random.NextDouble() - 0.5;
                var angle = random.NextDouble() * 2 * Math.PI;
                var d = separations[i] * CrowdedField.Fwhm;
                pairs.Add(((x, y, flux), (x + (d * Math.Cos(angle)), y + (d * Math.Sin(angle)), flux / ratios[j]), separations[i], ratios[j]));
            }
        }

        var image = Synthetic.Render(width, height, pairs.SelectMany(p => new[] { p.A, p.B }), CrowdedField.Psf, CrowdedField.Noise, seed, CrowdedField.Background);
        var path = Write($"pairs-{seed}.fits", width, height, image);
        var ours = new ImageDetector().Run(path).Sources.Select(s => (s.X, s.Y)).ToList();
        var theirs = SourceExtractor.Run(path, _dir).Select(s => (s.X, s.Y)).ToList();
        var missed = new List<string>();
        var table = new System.Text.StringBuilder("separation/FWHM x ratio: S = SExtractor separates, O = ours, B = both, - = neither\n");
        foreach (var group in pairs.GroupBy(p => p.Separation))
        {
            table.Append($"{group.Key,5:F2}: ");
            foreach (var p in group)
            {
                var radius = Math.Min(2.0, 0.5 * p.Separation * CrowdedField.Fwhm);
                var o = Separated(ours, p.A, p.B, radius);
                var t = Separated(theirs, p.A, p.B, radius);
                table.Append(o && t ? 'B' : o ? 'O' : t ? 'S' : '-');
                if (t && !o)
                {
                    missed.Add($"separation {p.Separation} FWHM, ratio {p.Ratio}");
                }
            }

            table.Append('\n');
        }

        output.WriteLine($"ratios {string.Join(", ", ratios)}\n{table}");
        Assert.True(missed.Count == 0, "SExtractor separates, ours does not: " + string.Join("; ", missed));
    }

    [Fact]
    public void Deblended_children_get_their_own_psf_flux_and_share_a_parent()
    {
        (double Separation, double Ratio)[] cases = [(2, 1), (2, 3), (3, 1), (3, 3), (3, 10), (4, 10)];
        const int Cell = 64, Columns = 12, Rows = 6, Replicates = 6;
        var random = new Random(31);
        var stars = new List<(double X, double Y, double Flux)>();
        var pairs = new List<(int Bright, int Faint, int Case)>();
        for (var cell = 0; cell < Columns * Rows; cell++)
        {
            var x = (Cell * ((cell % Columns) + 0.5)) + random.NextDouble() - 0.5;
            var y = (Cell * ((cell / Columns) + 0.5)) + random.NextDouble() - 0.5;
            const double Flux = 2e4;
            stars.Add((x, y, Flux));
            if (cell < cases.Length * Replicates)
            {
                var (separation, ratio) = cases[cell % cases.Length];
                var angle = random.NextDouble() * 2 * Math.PI;
                var d = separation * CrowdedField.Fwhm;
                stars.Add((x + (d * Math.Cos(angle)), y + (d * Math.Sin(angle)), Flux / ratio));
                pairs.Add((stars.Count - 2, stars.Count - 1, cell % cases.Length));
            }
        }

        var image = Synthetic.Render(Cell * Columns, Cell * Rows, stars, CrowdedField.Psf, CrowdedField.Noise, 32, CrowdedField.Background);
        var result = new ImageDetector().Run(Write("apportion.fits", Cell * Columns, Cell * Rows, image));
        DetectedSource? Find(int star) => result.Sources.Where(f => Math.Abs(f.X - stars[star].X) < 2 && Math.Abs(f.Y - stars[star].Y) < 2)
            .Select(f => (DetectedSource?)f).FirstOrDefault();
        var isolated = Enumerable.Range(0, stars.Count).Where(i => !pairs.Any(p => p.Bright == i || p.Faint == i)).Select(Find).OfType<DetectedSource>()
            .Select(f => f.PsfFlux / 2e4).Order().ToList();
        var norm = isolated[isolated.Count / 2];
        output.WriteLine($"isolated stars: median psfFlux / true {norm:F4} over {isolated.Count} (the estimated PSF's normalization; children are compared with it)");
        for (var c = 0; c < cases.Length; c++)
        {
            var found = pairs.Where(p => p.Case == c).Select(p => (Bright: Find(p.Bright), Faint: Find(p.Faint), Pair: p))
                .Where(t => t.Bright is not null && t.Faint is not null).ToList();
            var bright = found.Select(t => t.Bright!.Value.PsfFlux / stars[t.Pair.Bright].Flux / norm).Order().ToList();
            var faint = found.Select(t => t.Faint!.Value.PsfFlux / stars[t.Pair.Faint].Flux / norm).Order().ToList();
            output.WriteLine($"separation {cases[c].Separation} FWHM, ratio {cases[c].Ratio}: {found.Count}/{Replicates} split; median flux / true: bright {bright.ElementAtOrDefault(bright.Count / 2):F4}, faint {faint.ElementAtOrDefault(faint.Count / 2):F4}");
            Assert.True(found.Count >= Replicates - 1, $"only {found.Count}/{Replicates} pairs split at {cases[c]}");
            Assert.All(found, t =>
            {
                Assert.True((t.Bright!.Value.Flags & Measurement.MeasurementFlags.Deblended) != 0 && (t.Faint!.Value.Flags & Measurement.MeasurementFlags.Deblended) != 0);
                Assert.NotEqual(0, t.Bright.Value.Parent);
                Assert.Equal(t.Bright.Value.Parent, t.Faint.Value.Parent);
                Assert.True(t.Bright.Value.Parent > result.Sources.Count, "parent ids follow the source ids");
            });
            Assert.InRange(bright[bright.Count / 2], 0.98, 1.02);
            Assert.InRange(faint[faint.Count / 2], 0.95, 1.05);
        }
    }

    private static bool Separated(List<(double X, double Y)> found, (double X, double Y, double Flux) a, (double X, double Y, double Flux) b, double radius)
    {
        var ia = found.FindIndex(f => Math.Abs(f.X - a.X) <= radius && Math.Abs(f.Y - a.Y) <= radius && Math.Sqrt(((f.X - a.X) * (f.X - a.X)) + ((f.Y - a.Y) * (f.Y - a.Y))) <= radius);
        var ib = found.FindIndex(f => Math.Sqrt(((f.X - b.X) * (f.X - b.X)) + ((f.Y - b.Y) * (f.Y - b.Y))) <= radius);
        return ia >= 0 && ib >= 0 && ia != ib;
    }

    private string Write(string name, int width, int height, float[] image)
    {
        var path = Path.Combine(_dir, name);
        FitsFile.Write(path, [new FitsHdu(new FitsHeader(), new FitsImage(image, [width, height]))]);
        return path;
    }
}
