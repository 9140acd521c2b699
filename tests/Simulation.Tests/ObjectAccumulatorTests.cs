using Apdb.Sky;

namespace Apdb.Simulation.Tests;

public sealed class ObjectAccumulatorTests
{
    private static SourcePoint Point(double mjd, int band, double flux, double err) =>
        new(mjd, band, flux, err, flux + 1000, err * 1.1, 0.3, 0.4, Math.Sqrt(1 - 0.25), 1e-5, 1.2e-5, 1e-12);

    /// <summary>The two-pass definitions (numpy: average with weights 1/err^2, std with ddof=1, max of diff(f)/diff(t)).</summary>
    private static void AssertSummary(IReadOnlyList<SourcePoint> points, DiaObjectRow row)
    {
        Assert.Equal(points.Count, row.NDiaSources);
        Assert.Equal(points[0].Mjd, row.FirstDiaSourceMjdTai);
        Assert.Equal(points[^1].Mjd, row.LastDiaSourceMjdTai);
        for (var b = 0; b < Bands.Count; b++)
        {
            var p = points.Where(q => q.Band == b).ToList();
            Assert.Equal(p.Count, row.PsfFluxNdata[b]);
            if (p.Count == 0)
            {
                Assert.True(float.IsNaN(row.PsfFluxMean[b]));
                continue;
            }

            var w = p.Select(q => 1 / (q.PsfFluxErr * q.PsfFluxErr)).ToList();
            var mean = p.Select((q, i) => q.PsfFlux * w[i]).Sum() / w.Sum();
            Assert.Equal(mean, row.PsfFluxMean[b], Math.Abs(mean) * 1e-6 + 1e-3);
            Assert.Equal(Math.Sqrt(1 / w.Sum()), row.PsfFluxMeanErr[b], 1e-3);
            Assert.Equal(p.Min(q => q.PsfFlux), row.PsfFluxMin[b], 1e-2);
            Assert.Equal(p.Max(q => q.PsfFlux), row.PsfFluxMax[b], 1e-2);
            Assert.Equal(p.Average(q => q.PsfFluxErr), row.PsfFluxErrMean[b], 1e-3);
            if (p.Count > 1)
            {
                var avg = p.Average(q => q.PsfFlux);
                var sigma = Math.Sqrt(p.Sum(q => (q.PsfFlux - avg) * (q.PsfFlux - avg)) / (p.Count - 1));
                Assert.Equal(sigma, row.PsfFluxSigma[b], sigma * 1e-5 + 1e-3);
                var slope = p.Zip(p.Skip(1)).Max(z => (z.Second.PsfFlux - z.First.PsfFlux) / (z.Second.Mjd - z.First.Mjd));
                Assert.Equal(slope, row.PsfFluxMaxSlope[b], Math.Abs(slope) * 1e-5 + 1e-3);
            }
            else
            {
                Assert.True(float.IsNaN(row.PsfFluxSigma[b]));
                Assert.True(float.IsNaN(row.PsfFluxMaxSlope[b]));
            }
        }
    }

    [Fact]
    public void Incremental_summaries_equal_the_two_pass_definitions_after_every_source()
    {
        var random = new Random(3);
        var accumulator = new ObjectAccumulator(keepPoints: false);
        var points = new List<SourcePoint>();
        for (var i = 0; i < 60; i++)
        {
            var p = Point(60000 + i * 1.7, random.Next(Bands.Count), 5000 * random.NextDouble() - 1000, 50 + 100 * random.NextDouble());
            points.Add(p);
            accumulator.Add(p);
            var row = default(DiaObjectRow);
            accumulator.Snapshot(ref row);
            AssertSummary(points, row);
        }
    }

    [Fact]
    public void Sources_older_than_360_days_leave_the_summary()
    {
        var random = new Random(5);
        var accumulator = new ObjectAccumulator(keepPoints: true);
        var points = new List<SourcePoint>();
        for (var i = 0; i < 100; i++)
        {
            var p = Point(60000 + i * 7.3, random.Next(Bands.Count), 3000 * random.NextDouble(), 40 + 80 * random.NextDouble());
            points.Add(p);
            accumulator.Add(p);
        }

        var row = default(DiaObjectRow);
        accumulator.Snapshot(ref row);
        var window = points.Where(p => p.Mjd > points[^1].Mjd - 360).ToList();
        Assert.True(window.Count < points.Count);
        AssertSummary(window, row);
    }
}
