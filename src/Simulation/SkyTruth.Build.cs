using System.Diagnostics;
using Apdb.Sky;

namespace Apdb.Simulation;

public sealed partial class SkyTruth
{
    // Per-band colour offsets relative to r for a colour index c (a rough stellar locus), and variability
    // amplitude ratios (bluer bands vary more).
    private static readonly double[] ColourSlope = [1.8, 1.0, 0.0, -0.35, -0.5, -0.6];
    private static readonly double[] AmplitudeRatio = [1.3, 1.15, 1.0, 0.9, 0.85, 0.8];

    private VariableSet BuildVariables()
    {
        var set = new VariableSet();
        foreach (var point in JitteredGrid(VariableDensity, 0x7A81_0000UL))
        {
            var rng = point.Rng;
            var (ra, dec) = FromPlane(point.Xi, point.Eta);
            var rMag = rng.Uniform(17.0, 23.5);
            var colour = rng.Uniform(-0.2, 1.5);
            var amplitude = Math.Exp(rng.Uniform(Math.Log(0.02), Math.Log(0.6)));
            var period = Math.Exp(rng.Uniform(Math.Log(0.1), Math.Log(400.0)));
            var phase = rng.Uniform(0, 2 * Math.PI);
            var mean = new double[Bands.Count];
            var amp = new double[Bands.Count];
            for (var band = 0; band < Bands.Count; band++)
            {
                mean[band] = AstroConstants.AbMagnitudeToNanojansky(rMag + ColourSlope[band] * colour);
                amp[band] = amplitude * AmplitudeRatio[band];
            }

            set.Add(ra, dec, mean, amp, period, phase);
        }

        set.Seal();
        return set;
    }

    private TransientSet BuildTransients()
    {
        // The history's transients: windows start uniform over [start - max window, end), so the mean number active
        // at any time is the density. Their count and every draw depend on the history's interval only.
        var span = EndMjd - StartMjd;
        var historyCount = new CounterRng(Seed, 0x7A81_0001UL).StochasticRound(
            TransientDensity * Preset.AreaDeg2 * (span + MaxTransientDays) / MeanTransientDays);

        // The continuation's transients: a separate stream, appended after the history's, whose flux begins
        // (peak - 1.5 rise, where the rise profile is cut) uniformly over [end, continuation end), at the rate at
        // which the history's windows begin. None has flux before the history's end, so the history is the same
        // with or without them.
        var newCount = ContinuationEndMjd > EndMjd
            ? new CounterRng(Seed, 0x7A81_0004UL).StochasticRound(
                TransientDensity * Preset.AreaDeg2 * (ContinuationEndMjd - EndMjd) / MeanTransientDays)
            : 0;
        HistoryTransientCount = historyCount;
        var set = new TransientSet(historyCount + newCount);
        for (var k = 0; k < historyCount; k++)
        {
            PlaceTransient(set, k, new CounterRng(Seed, 0x7A81_0002UL, (ulong)k), StartMjd - MaxTransientDays, EndMjd, 1.0);
        }

        for (var k = 0; k < newCount; k++)
        {
            PlaceTransient(set, historyCount + k, new CounterRng(Seed, 0x7A81_0005UL, (ulong)k), EndMjd, ContinuationEndMjd, TransientSet.OnsetRises);
            Debug.Assert(set.Onset(historyCount + k) > EndMjd - 1e-9, "a continuation transient has flux during the history");
        }

        set.Seal();
        return set;
    }

    /// <summary>
    /// Draws transient <paramref name="k"/>: position, rise and decline, then a time uniform over [lo, hi) that is
    /// <paramref name="risesBeforePeak"/> rise times before the peak, then peak magnitude, colour and host.
    /// </summary>
    private void PlaceTransient(TransientSet set, int k, CounterRng rng, double lo, double hi, double risesBeforePeak)
    {
        // Uniform over the disc; a field of a tiled preset draws again until the point is in its cell.
        var r = Preset.RadiusDeg * 3600.0;
        double xi, eta;
        do
        {
            var rho = r * Math.Sqrt(rng.NextDouble());
            var phi = rng.Uniform(0, 2 * Math.PI);
            (xi, eta) = (rho * Math.Cos(phi), rho * Math.Sin(phi));
        }
        while (!InRegion(xi, eta));

        var (ra, dec) = FromPlane(xi, eta);
        var rise = rng.Uniform(5, 20);
        var decline = rng.Uniform(15, 60);
        var start = rng.Uniform(lo, hi);
        var peakMag = rng.Uniform(19.0, 23.0);
        var colour = rng.Uniform(-0.3, 0.8);
        var hasHost = rng.Chance(0.5);
        var hostMag = rng.Uniform(21.0, 24.5);
        set.Ra[k] = ra;
        set.Dec[k] = dec;
        set.Rise[k] = rise;
        set.Decline[k] = decline;
        set.Peak[k] = start + risesBeforePeak * rise;
        for (var band = 0; band < Bands.Count; band++)
        {
            set.PeakFlux[k * Bands.Count + band] = AstroConstants.AbMagnitudeToNanojansky(peakMag + 0.5 * ColourSlope[band] * colour);
            set.HostFlux[k * Bands.Count + band] = hasHost ? AstroConstants.AbMagnitudeToNanojansky(hostMag + ColourSlope[band] * 0.8) : 0.0;
        }
    }

    private MovingSet BuildMoving()
    {
        var months = (EndMjd - StartMjd) / Cadence.DaysPerMonth;
        var count = Math.Max(2, (int)Math.Round(3.0 * months * Math.Sqrt(Preset.AreaDeg2)));
        var set = new MovingSet(count);
        var r = Preset.RadiusDeg * 3600.0;
        for (var k = 0; k < count; k++)
        {
            var rng = new CounterRng(Seed, 0x7A81_0003UL, (ulong)k);
            // Enters the disc at a random edge point, crosses along a random chord at 0.05-0.5 deg/day.
            var entry = rng.Uniform(0, 2 * Math.PI);
            var heading = entry + Math.PI + rng.Uniform(-1.0, 1.0);
            var speed = rng.Uniform(0.05, 0.5) * 3600.0;
            set.X0[k] = r * Math.Cos(entry);
            set.Y0[k] = r * Math.Sin(entry);
            set.Vx[k] = speed * Math.Cos(heading);
            set.Vy[k] = speed * Math.Sin(heading);
            set.T0[k] = rng.Uniform(StartMjd - 5, EndMjd);
            set.RadiusArcsec = r;
            var mag = rng.Uniform(19.5, 22.5);
            for (var band = 0; band < Bands.Count; band++)
            {
                set.FluxByBand[k * Bands.Count + band] = AstroConstants.AbMagnitudeToNanojansky(mag + 0.4 * ColourSlope[band]);
            }
        }

        return set;
    }
}
