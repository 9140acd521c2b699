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
        var span = EndMjd - StartMjd;
        var count = new CounterRng(Seed, 0x7A81_0001UL).StochasticRound(
            TransientDensity * Preset.AreaDeg2 * (span + MaxTransientDays) / MeanTransientDays);
        var set = new TransientSet(count);
        var r = Preset.RadiusDeg * 3600.0;
        for (var k = 0; k < count; k++)
        {
            var rng = new CounterRng(Seed, 0x7A81_0002UL, (ulong)k);
            var rho = r * Math.Sqrt(rng.NextDouble());
            var phi = rng.Uniform(0, 2 * Math.PI);
            var (ra, dec) = FromPlane(rho * Math.Cos(phi), rho * Math.Sin(phi));
            var rise = rng.Uniform(5, 20);
            var decline = rng.Uniform(15, 60);
            // Window starts uniform over [start - max window, end): the mean number active at any time is the density.
            var begin = rng.Uniform(StartMjd - MaxTransientDays, EndMjd);
            var peakMag = rng.Uniform(19.0, 23.0);
            var colour = rng.Uniform(-0.3, 0.8);
            var hasHost = rng.Chance(0.5);
            var hostMag = rng.Uniform(21.0, 24.5);
            set.Ra[k] = ra;
            set.Dec[k] = dec;
            set.Rise[k] = rise;
            set.Decline[k] = decline;
            set.Peak[k] = begin + rise;
            for (var band = 0; band < Bands.Count; band++)
            {
                set.PeakFlux[k * Bands.Count + band] = AstroConstants.AbMagnitudeToNanojansky(peakMag + 0.5 * ColourSlope[band] * colour);
                set.HostFlux[k * Bands.Count + band] = hasHost ? AstroConstants.AbMagnitudeToNanojansky(hostMag + ColourSlope[band] * 0.8) : 0.0;
            }
        }

        set.Seal();
        return set;
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
