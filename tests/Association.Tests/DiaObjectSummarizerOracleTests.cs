using System.Globalization;
using System.Text;
using System.Text.Json;
using Apdb.Sky;

namespace Apdb.Association.Tests;

/// <summary>
/// Compares every DiaObject summary column with a numpy restatement of meas_base's DiaObject calculation plugins
/// (diaCalculationPlugins.py, 2025: ap_meanPosition, ap_nDiaSources, ap_meanFlux, ap_sigmaFlux, ap_minMaxFlux,
/// ap_maxSlopeFlux, ap_meanErrFlux, ap_meanTotFlux), computed the way those plugins compute them.
/// </summary>
public sealed class DiaObjectSummarizerOracleTests : IDisposable
{
    private const string Script = """
        import json, sys
        import numpy as np

        a = np.genfromtxt(sys.argv[1], delimiter=",", skip_header=1, ndmin=2)
        ids = a[:, 0].astype(np.int64)

        def value(x):
            x = float(x)
            if np.isnan(x):
                return None
            if np.isinf(x):
                return "inf" if x > 0 else "-inf"
            return x

        def weighted_mean(flux, err, guard):
            # ap_meanFlux / ap_meanTotFlux: rows with flux and error both present, weights 1/err^2.
            keep = ~np.logical_or(np.isnan(flux), np.isnan(err))
            f, e = flux[keep], err[keep]
            tot = np.nansum(1 / e ** 2)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.nansum(f / e ** 2) / tot
                # ap_meanFlux guards an empty sum; ap_meanTotFlux does not (1/0 = inf).
                mean_err = (np.sqrt(1 / tot) if tot > 0 else np.nan) if guard else np.sqrt(1 / tot)
            return mean, mean_err, int(keep.sum())

        out = []
        for oid in np.unique(ids):
            d = a[ids == oid]
            ra, dec = np.radians(d[:, 3]), np.radians(d[:, 4])
            # ap_meanPosition: geom.averageSpherePoint, the normalised sum of unit vectors.
            v = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=1).sum(axis=0)
            v = v / np.linalg.norm(v)
            bands = []
            for b in range(6):
                g = d[d[:, 2] == b]
                t, flux, err, sflux, serr = g[:, 1], g[:, 5], g[:, 6], g[:, 7], g[:, 8]
                mean, mean_err, ndata = weighted_mean(flux, err, True)
                present = flux[~np.isnan(flux)]
                # ap_sigmaFlux: pandas std (ddof 1, NaN skipped); ap_minMaxFlux: pandas min/max.
                sigma = np.std(present, ddof=1) if len(present) >= 2 else np.nan
                lo = present.min() if len(present) else np.nan
                hi = present.max() if len(present) else np.nan
                # ap_maxSlopeFlux: sources with flux and time, in time order, max of diff(flux)/diff(time).
                keep = ~np.logical_or(np.isnan(flux), np.isnan(t))
                if keep.sum() < 2:
                    slope = np.nan
                else:
                    order = t[keep].argsort()
                    slope = (np.diff(flux[keep][order]) / np.diff(t[keep][order])).max()
                # ap_meanErrFlux: pandas mean of psfFluxErr, NaN skipped.
                errs = err[~np.isnan(err)]
                err_mean = errs.mean() if len(errs) else np.nan
                smean, smean_err, _ = weighted_mean(sflux, serr, False) if len(g) else (np.nan, np.nan, 0)
                bands.append([value(mean), value(mean_err), value(sigma), ndata, value(lo), value(hi), value(slope),
                              value(err_mean), value(smean), value(smean_err)])
            out.append({"id": int(oid), "ra": float(np.degrees(np.arctan2(v[1], v[0])) % 360.0),
                        "dec": float(np.degrees(np.arcsin(v[2]))), "n": int(len(d)),
                        "first": float(d[:, 1].min()), "last": float(d[:, 1].max()), "bands": bands})
        print(json.dumps(out))
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-summary-oracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DiaSourceHistory RandomHistory(int seed)
    {
        var rng = new Random(seed);
        var n = 4000;
        var id = new long[n];
        var t = new double[n];
        var band = new Band[n];
        var ra = new double[n];
        var dec = new double[n];
        var f = new double[n];
        var fe = new double[n];
        var sf = new double[n];
        var se = new double[n];
        for (var i = 0; i < n; i++)
        {
            id[i] = (rng.Next(200) * 7919L) + 3;
            t[i] = 60000 + (rng.NextDouble() * 365);
            band[i] = (Band)rng.Next(6);
            ra[i] = (id[i] % 360) + (rng.NextDouble() * 1e-4);
            dec[i] = (id[i] % 170) - 85 + (rng.NextDouble() * 1e-4);
            f[i] = rng.Next(12) == 0 ? double.NaN : (rng.NextDouble() - 0.4) * 1000;
            fe[i] = rng.Next(10) == 0 ? double.NaN : 1 + (rng.NextDouble() * 50);
            sf[i] = rng.Next(8) == 0 ? double.NaN : rng.NextDouble() * 5000;
            se[i] = rng.Next(8) == 0 ? double.NaN : 5 + (rng.NextDouble() * 20);
        }

        return new DiaSourceHistory(id, t, band, ra, dec, f, fe, sf, se);
    }

    private string WriteHistory(DiaSourceHistory h)
    {
        var sb = new StringBuilder("id,t,band,ra,dec,f,fe,sf,se\n");
        for (var i = 0; i < h.Count; i++)
        {
            sb.AppendJoin(',', [
                h.DiaObjectId[i].ToString(CultureInfo.InvariantCulture), D(h.MidpointMjdTai[i]), ((int)h.Band[i]).ToString(CultureInfo.InvariantCulture),
                D(h.RaDeg[i]), D(h.DecDeg[i]), D(h.PsfFlux[i]), D(h.PsfFluxErr[i]), D(h.ScienceFlux[i]), D(h.ScienceFluxErr[i])]);
            sb.Append('\n');
        }

        var path = Path.Combine(_dir, "history.csv");
        File.WriteAllText(path, sb.ToString());
        return path;

        static string D(double v) => double.IsNaN(v) ? "nan" : v.ToString("R", CultureInfo.InvariantCulture);
    }

    [OracleTheory]
    [InlineData(7)]
    [InlineData(8)]
    public void Every_summary_column_equals_a_numpy_restatement_of_meas_bases_plugins(int seed)
    {
        var history = RandomHistory(seed);
        var (code, stdout, stderr) = ScipyPeer.Run(Script, [WriteHistory(history)]);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var expected = doc.RootElement.EnumerateArray().ToList();
        var ours = DiaObjectSummarizer.Summarize(history);
        Assert.Equal(expected.Count, ours.Count);
        var infinities = 0;
        var negativeSlopes = 0;
        for (var k = 0; k < ours.Count; k++)
        {
            var e = expected[k];
            var o = ours[k];
            Assert.Equal(e.GetProperty("id").GetInt64(), o.DiaObjectId);
            var what = $"object {o.DiaObjectId}";
            Assert.Equal(e.GetProperty("ra").GetDouble(), o.Ra, 1e-9);
            Assert.Equal(e.GetProperty("dec").GetDouble(), o.Dec, 1e-9);
            Assert.Equal(e.GetProperty("n").GetInt32(), o.NDiaSources);
            Assert.Equal(e.GetProperty("first").GetDouble(), o.FirstDiaSourceMjdTai);
            Assert.Equal(e.GetProperty("last").GetDouble(), o.LastDiaSourceMjdTai);
            var bands = e.GetProperty("bands").EnumerateArray().ToList();
            for (var b = 0; b < 6; b++)
            {
                var x = bands[b].EnumerateArray().ToList();
                var s = o.Bands[b];
                var name = $"{what} band {(Band)b}";
                Close(x[0], s.PsfFluxMean, name + " psfFluxMean");
                Close(x[1], s.PsfFluxMeanErr, name + " psfFluxMeanErr");
                Close(x[2], s.PsfFluxSigma, name + " psfFluxSigma");
                Assert.True(x[3].GetInt32() == s.PsfFluxNdata, name + " psfFluxNdata");
                Close(x[4], s.PsfFluxMin, name + " psfFluxMin");
                Close(x[5], s.PsfFluxMax, name + " psfFluxMax");
                Close(x[6], s.PsfFluxMaxSlope, name + " psfFluxMaxSlope");
                Close(x[7], s.PsfFluxErrMean, name + " psfFluxErrMean");
                Close(x[8], s.ScienceFluxMean, name + " scienceFluxMean");

                // meas_base's ap_meanTotFlux writes +inf when no source has a usable scienceFlux; ours is null.
                if (x[9].ValueKind == JsonValueKind.String)
                {
                    Assert.Equal("inf", x[9].GetString());
                    Assert.Null(s.ScienceFluxMeanErr);
                    infinities++;
                }
                else
                {
                    Close(x[9], s.ScienceFluxMeanErr, name + " scienceFluxMeanErr");
                }

                negativeSlopes += s.PsfFluxMaxSlope < 0 ? 1 : 0;
            }
        }

        // The signed maximum slope is negative for a band whose flux only falls; the draw must contain such bands.
        Assert.True(negativeSlopes > 10, $"only {negativeSlopes} negative maximum slopes");
        Assert.True(infinities > 0, "no band without a usable scienceFlux was drawn");
    }

    private static void Close(JsonElement expected, double? actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what}: expected null, got {actual}");
            return;
        }

        var e = expected.GetDouble();
        Assert.True(actual is { } a && Math.Abs(a - e) <= 1e-10 * Math.Max(1.0, Math.Abs(e)), $"{what}: expected {e}, got {actual}");
    }
}
