using Apdb.Sky;

namespace Apdb.Association.Tests;

public sealed class DiaObjectSummarizerTests
{
    private sealed class Rows
    {
        public List<long> Id { get; } = [];
        public List<double> T { get; } = [];
        public List<Band> B { get; } = [];
        public List<double> Ra { get; } = [];
        public List<double> Dec { get; } = [];
        public List<double> F { get; } = [];
        public List<double> FErr { get; } = [];
        public List<double> S { get; } = [];
        public List<double> SErr { get; } = [];
        public List<double> RaErr { get; } = [];
        public List<double> DecErr { get; } = [];

        public void Add(long id, double t, Band b, double ra, double dec, double f, double fErr, double s, double sErr, double raErr = 1e-5, double decErr = 2e-5)
        {
            Id.Add(id);
            T.Add(t);
            B.Add(b);
            Ra.Add(ra);
            Dec.Add(dec);
            F.Add(f);
            FErr.Add(fErr);
            S.Add(s);
            SErr.Add(sErr);
            RaErr.Add(raErr);
            DecErr.Add(decErr);
        }

        public DiaSourceHistory ToHistory(bool withErrors = true) => new(
            [.. Id], [.. T], [.. B], [.. Ra], [.. Dec], [.. F], [.. FErr], [.. S], [.. SErr],
            withErrors ? [.. RaErr] : null, withErrors ? [.. DecErr] : null);
    }

    private static DiaSourceHistory HandCase()
    {
        var rows = new Rows();

        // Object 42, g band, out of time order; one NaN flux, one NaN error. Positions straddle RA = 0.
        rows.Add(42, 2, Band.G, 0.001, 0, 20, 2, 200, 10);
        rows.Add(42, 4, Band.G, 359.999, 0, -10, double.NaN, 150, 10);
        rows.Add(42, 1, Band.G, 0.001, 0, 10, 1, 100, 10);
        rows.Add(42, 3, Band.G, 359.999, 0, double.NaN, 1, 120, double.NaN);

        // One r point.
        rows.Add(42, 2.5, Band.R, 0.0, 0, 5, 0.5, 50, 5);
        return rows.ToHistory();
    }

    [Fact]
    public void A_hand_computed_object_gives_the_expected_g_band_summary()
    {
        var s = Assert.Single(DiaObjectSummarizer.Summarize(HandCase()));
        var g = s.Bands[(int)Band.G];

        // Weighted mean of (10 +- 1, 20 +- 2): (10 + 20/4) / (1 + 1/4) = 12; error 1/sqrt(1.25).
        Assert.Equal(12.0, g.PsfFluxMean!.Value, 12);
        Assert.Equal(1 / Math.Sqrt(1.25), g.PsfFluxMeanErr!.Value, 12);

        // Sample std of {10, 20, -10}: mean 20/3, squared deviations (100 + 1600 + 2500) / 9, over n - 1 = 2.
        Assert.Equal(Math.Sqrt(700.0 / 3.0), g.PsfFluxSigma!.Value, 12);

        // meas_base counts the sources with both psfFlux and psfFluxErr: t = 1 and 2 (t = 4 has no error).
        Assert.Equal(2, g.PsfFluxNdata);
        Assert.Equal(-10.0, g.PsfFluxMin);
        Assert.Equal(20.0, g.PsfFluxMax);

        // In time order (1, 10), (2, 20), (4, -10): slopes +10 and -15 per day; meas_base takes the signed maximum, +10
        // (the largest |slope| would be 15).
        Assert.Equal(10.0, g.PsfFluxMaxSlope!.Value, 12);

        // Mean of every present psfFluxErr of the band, including t = 3 whose flux is missing: (1 + 2 + 1) / 3.
        Assert.Equal(4.0 / 3.0, g.PsfFluxErrMean!.Value, 12);

        // Science flux: 100, 200, 150 (each +- 10; the NaN-error row is skipped) -> 150 +- 10/sqrt(3).
        Assert.Equal(150.0, g.ScienceFluxMean!.Value, 12);
        Assert.Equal(10 / Math.Sqrt(3), g.ScienceFluxMeanErr!.Value, 12);
    }

    [Fact]
    public void A_single_point_band_has_no_sigma_or_slope_and_an_empty_band_is_all_null()
    {
        var s = Assert.Single(DiaObjectSummarizer.Summarize(HandCase()));
        var r = s.Bands[(int)Band.R];
        Assert.Equal(5.0, r.PsfFluxMean);
        Assert.Equal(0.5, r.PsfFluxMeanErr);
        Assert.Null(r.PsfFluxSigma);
        Assert.Null(r.PsfFluxMaxSlope);
        Assert.Equal(1, r.PsfFluxNdata);
        Assert.Equal(new BandSummary(null, null, null, 0, null, null, null, null, null, null), s.Bands[(int)Band.Y]);
    }

    [Fact]
    public void The_object_position_is_the_mean_unit_vector_across_the_RA_wrap_with_counts_and_times()
    {
        var s = Assert.Single(DiaObjectSummarizer.Summarize(HandCase()));
        Assert.Equal(42L, s.DiaObjectId);
        var fromZero = Math.Min(s.Ra, 360 - s.Ra);
        Assert.True(fromZero < 1e-9, $"ra = {s.Ra}");
        Assert.Equal(0.0, s.Dec, 12);
        Assert.Equal(5, s.NDiaSources);
        Assert.Equal(1.0, s.FirstDiaSourceMjdTai);
        Assert.Equal(4.0, s.LastDiaSourceMjdTai);

        // sqrt(5 * (1e-5)^2) / 5.
        Assert.Equal(Math.Sqrt(5) * 1e-5 / 5, s.RaErr!.Value, 15);
        Assert.Equal(Math.Sqrt(5) * 2e-5 / 5, s.DecErr!.Value, 15);
    }

    [Fact]
    public void Batched_and_reference_summaries_agree_on_random_histories()
    {
        var rng = new Random(2024);
        var rows = new Rows();
        for (var i = 0; i < 3000; i++)
        {
            var id = rng.Next(150) * 1000L;
            var ra = (id / 1000 * 2.4) + (rng.NextDouble() * 1e-4);
            var t = 60000 + rng.Next(365) + (rng.Next(4) * 0.25);
            var f = rng.Next(20) == 0 ? double.NaN : (rng.NextDouble() - 0.3) * 1000;
            var fe = rng.Next(25) == 0 ? double.NaN : rng.Next(40) == 0 ? 0.0 : 1 + (rng.NextDouble() * 50);
            var sf = rng.Next(15) == 0 ? double.NaN : rng.NextDouble() * 5000;
            var se = rng.Next(15) == 0 ? double.NaN : 5 + (rng.NextDouble() * 20);
            rows.Add(id, t, (Band)rng.Next(6), ra % 360, (rng.NextDouble() * 10) - 5, f, fe, sf, se, rng.Next(100) == 0 ? double.NaN : 1e-5, 1e-5);
        }

        var history = rows.ToHistory();
        var batched = DiaObjectSummarizer.Summarize(history);
        var reference = DiaObjectSummarizer.SummarizeReference(history);
        Assert.Equal(reference.Count, batched.Count);
        Assert.True(batched.Count > 100);
        for (var k = 0; k < batched.Count; k++)
        {
            var a = batched[k].Columns().ToList();
            var b = reference[k].Columns().ToList();
            Assert.Equal(b.Select(c => c.Key), a.Select(c => c.Key));
            for (var c = 0; c < a.Count; c++)
            {
                AssertClose(b[c].Value, a[c].Value, $"object {batched[k].DiaObjectId} column {a[c].Key}");
            }
        }

        Assert.Contains(batched, s => s.RaErr is null);
        Assert.Contains(batched, s => s.Bands.Any(b => b.PsfFluxMaxSlope is not null));
    }

    [Fact]
    public void Columns_use_the_DiaObject_names_of_the_APDB_schema()
    {
        // From the Rubin APDB schema v10.0.0 (sdm_schemas apdb.yaml), table DiaObject.
        string[] perBand =
        [
            "psfFluxMean", "psfFluxMeanErr", "psfFluxSigma", "psfFluxNdata", "psfFluxMin", "psfFluxMax",
            "psfFluxMaxSlope", "psfFluxErrMean", "scienceFluxMean", "scienceFluxMeanErr",
        ];
        var expected = new List<string> { "diaObjectId", "ra", "dec", "raErr", "decErr", "nDiaSources", "firstDiaSourceMjdTai", "lastDiaSourceMjdTai" };
        foreach (var b in "ugrizy")
        {
            expected.AddRange(perBand.Select(p => $"{b}_{p}"));
        }

        var s = Assert.Single(DiaObjectSummarizer.Summarize(HandCase()));
        Assert.Equal(expected, s.Columns().Select(c => c.Key));
        Assert.Equal(68, expected.Count);
    }

    [Fact]
    public void Without_position_errors_the_object_errors_are_null()
    {
        var rows = new Rows();
        rows.Add(1, 1, Band.I, 10, 10, 1, 1, 1, 1);
        var s = Assert.Single(DiaObjectSummarizer.Summarize(rows.ToHistory(withErrors: false)));
        Assert.Null(s.RaErr);
        Assert.Null(s.DecErr);
        Assert.Equal(10.0, s.Ra, 12);
    }

    private static void AssertClose(object? expected, object? actual, string what)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{what}: expected null, got {actual}");
                break;
            case double e:
                var a = Assert.IsType<double>(actual);
                Assert.True(Math.Abs(a - e) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{what}: expected {e}, got {a}");
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }
}
