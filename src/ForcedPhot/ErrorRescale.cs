using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.ForcedPhot;

/// <summary>
/// Empirical error rescale: difference-image pixels are correlated (warping, PSF matching), so the variance plane
/// underestimates the noise of a PSF fit. Fit at random blank-sky positions (away from the targets and from any pixel
/// above 5 sigma) and take the robust standard deviation (1.4826 MAD) of flux / err; multiply errors by it.
/// </summary>
public static class ErrorRescale
{
    /// <summary>Measures the scale; returns 1 when fewer than 30 blank positions could be fitted.</summary>
    /// <param name="exposure">The exposure (with PSF).</param>
    /// <param name="options">The fit settings (the error scale in them is ignored).</param>
    /// <param name="avoidX">Target x positions to stay away from.</param>
    /// <param name="avoidY">Target y positions.</param>
    /// <param name="count">How many blank positions to try.</param>
    /// <param name="seed">Random seed.</param>
    public static double FromBlankSky(Exposure exposure, ForcedPhotOptions options, ReadOnlySpan<double> avoidX, ReadOnlySpan<double> avoidY, int count = 2000, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentNullException.ThrowIfNull(options);
        var psf = exposure.Psf ?? throw new ArgumentException("the error rescale needs a PSF, and the exposure has none");
        var fitOptions = options with { ErrorScale = 1.0, BlendRadiusFwhm = 0 };
        var h = fitOptions.HalfWidthFor(psf);
        var radius = (2 * h) + 1;
        var occupied = new HashSet<(int, int)>();
        for (var i = 0; i < avoidX.Length; i++)
        {
            if (double.IsFinite(avoidX[i]) && double.IsFinite(avoidY[i]))
            {
                occupied.Add(((int)Math.Floor(avoidX[i] / radius), (int)Math.Floor(avoidY[i] / radius)));
            }
        }

        var random = new Random(seed);
        var xs = new List<double>();
        var ys = new List<double>();
        for (var attempt = 0; attempt < count * 5 && xs.Count < count; attempt++)
        {
            var x = h + (random.NextDouble() * (exposure.Width - (2 * h) - 1));
            var y = h + (random.NextDouble() * (exposure.Height - (2 * h) - 1));
            var gx = (int)Math.Floor(x / radius);
            var gy = (int)Math.Floor(y / radius);
            var near = false;
            for (var dy = -1; dy <= 1 && !near; dy++)
            {
                for (var dx = -1; dx <= 1 && !near; dx++)
                {
                    near = occupied.Contains((gx + dx, gy + dy));
                }
            }

            if (!near && IsBlank(exposure, (int)Math.Round(x), (int)Math.Round(y), h))
            {
                xs.Add(x);
                ys.Add(y);
            }
        }

        var fits = new PsfAmplitudeFitter(fitOptions).Measure(exposure, xs.ToArray(), ys.ToArray());
        var pulls = fits.Where(f => f.Flags == ForcedPhotFlags.None && f.InstFluxErr > 0).Select(f => f.InstFlux / f.InstFluxErr).ToArray();
        if (pulls.Length < 30)
        {
            return 1.0;
        }

        var (_, mad) = Selection.UpperMedianAndMad(pulls);
        var scale = 1.4826 * mad;
        return scale > 0 && double.IsFinite(scale) ? scale : 1.0;
    }

    private static bool IsBlank(Exposure exposure, int cx, int cy, int h)
    {
        for (var y = Math.Max(0, cy - h); y <= Math.Min(exposure.Height - 1, cy + h); y++)
        {
            for (var x = Math.Max(0, cx - h); x <= Math.Min(exposure.Width - 1, cx + h); x++)
            {
                var k = (y * exposure.Width) + x;
                var v = exposure.Variance[k];
                if ((exposure.Mask[k] & (int)MaskPlanes.Unusable) != 0 || !(v > 0) || Math.Abs(exposure.Image[k]) > 5 * Math.Sqrt(v))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
