using Apdb.Frontend.Detection;
using Apdb.Imaging;

namespace Apdb.Frontend.Measurement;

/// <summary>
/// Measures detected peaks on an exposure with a PSF: Gaussian-weighted centroid (weight of the PSF's width, started at
/// the peak, falling back to the peak's quadratic interpolation), PSF flux by Rubin's unweighted estimator
/// f = sum(P D) / sum(P^2), err = sqrt(sum(P^2 V)) / sum(P^2) over the stamp's usable pixels, aperture flux in a circle
/// of radius <see cref="ApertureRadiusFwhm"/> FWHM, and second moments. Negative sources are measured on the negated image
/// (fluxes come out negative). The children of a deblended footprint are measured together (<see cref="MeasureBlends"/>):
/// each on the image less its siblings' PSF models, with fluxes from one joint fit.
/// </summary>
public sealed partial class SourceMeasurer
{
    /// <summary>Aperture radius in units of the PSF FWHM (at least 3 pixels).</summary>
    public double ApertureRadiusFwhm { get; init; } = 3.0;

    /// <summary>Mask bits excluded from the fits.</summary>
    public int BadBits { get; init; } = (int)MaskPlanes.Unusable;

    /// <summary>Measures every peak (in parallel).</summary>
    public SourceMeasurement[] Measure(Exposure exposure, IReadOnlyList<DetectedPeak> peaks, float[]? snrImage = null)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentNullException.ThrowIfNull(peaks);
        var psf = exposure.Psf ?? throw new InvalidOperationException("the exposure has no PSF to measure with");
        var result = new SourceMeasurement[peaks.Count];
        Parallel.For(0, peaks.Count, i => result[i] = MeasureOne(exposure, psf, peaks[i], snrImage));
        MeasureBlends(exposure, psf, peaks, snrImage, result);
        return result;
    }

    /// <summary>PSF flux (and error, chi2, pixels used, mask OR) at a fixed position: forced photometry.</summary>
    public (double Flux, double Err, double Chi2, int N, int MaskOr, bool Edge) PsfFlux(Exposure exposure, Psf psf, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentNullException.ThrowIfNull(psf);
        var hw = StampHalfWidth(psf);
        var size = (2 * hw) + 1;
        Span<float> stamp = stackalloc float[size * size];
        psf.ComputeStamp(x, y, hw, stamp);
        var cx = Psf.StampCentre(x);
        var cy = Psf.StampCentre(y);
        double pd = 0, pp = 0, ppv = 0;
        var n = 0;
        var maskOr = 0;
        var edge = false;
        var w = exposure.Width;
        for (var j = 0; j < size; j++)
        {
            var yy = cy - hw + j;
            for (var i = 0; i < size; i++)
            {
                var xx = cx - hw + i;
                if ((uint)xx >= (uint)w || (uint)yy >= (uint)exposure.Height)
                {
                    edge = true;
                    continue;
                }

                var k = (yy * w) + xx;
                var p = (double)stamp[(j * size) + i];
                maskOr |= exposure.Mask[k];
                var d = exposure.Image[k];
                var v = exposure.Variance[k];
                if ((exposure.Mask[k] & BadBits) != 0 || !float.IsFinite(d) || !(v > 0))
                {
                    continue;
                }

                pd += p * d;
                pp += p * p;
                ppv += p * p * v;
                n++;
            }
        }

        if (!(pp > 0))
        {
            return (double.NaN, double.NaN, double.NaN, 0, maskOr, edge);
        }

        var flux = pd / pp;
        double chi2 = 0;
        for (var j = 0; j < size; j++)
        {
            var yy = cy - hw + j;
            for (var i = 0; i < size; i++)
            {
                var xx = cx - hw + i;
                if ((uint)xx >= (uint)w || (uint)yy >= (uint)exposure.Height)
                {
                    continue;
                }

                var k = (yy * w) + xx;
                var v = exposure.Variance[k];
                if ((exposure.Mask[k] & BadBits) != 0 || !float.IsFinite(exposure.Image[k]) || !(v > 0))
                {
                    continue;
                }

                var r = exposure.Image[k] - (flux * stamp[(j * size) + i]);
                chi2 += r * r / v;
            }
        }

        return (flux, Math.Sqrt(ppv) / pp, chi2, n, maskOr, edge);
    }

    private SourceMeasurement MeasureOne(Exposure exposure, Psf psf, DetectedPeak peak, float[]? snrImage) =>
        MeasureAt(exposure, psf, peak, StartPosition(exposure, peak, snrImage));

    /// <summary>The S/N peak, refined by a parabola through its neighbours.</summary>
    private static (double X, double Y) StartPosition(Exposure exposure, DetectedPeak peak, float[]? snrImage)
    {
        var w = exposure.Width;
        double x = peak.X, y = peak.Y;
        if (snrImage is not null && peak.X > 0 && peak.Y > 0 && peak.X < w - 1 && peak.Y < exposure.Height - 1)
        {
            var k = (peak.Y * w) + peak.X;
            x += Parabola(snrImage[k - 1], snrImage[k], snrImage[k + 1]);
            y += Parabola(snrImage[k - w], snrImage[k], snrImage[k + w]);
        }

        return (x, y);
    }

    /// <summary>Centroid from <paramref name="start"/>, PSF flux, flags, aperture flux and moments of one peak.</summary>
    private SourceMeasurement MeasureAt(Exposure exposure, Psf psf, DetectedPeak peak, (double X, double Y) start)
    {
        var w = exposure.Width;
        var h = exposure.Height;
        var sign = peak.IsNegative ? -1.0 : 1.0;
        var sigma = psf.FwhmPixels / GaussianPsf.FwhmPerSigma;
        var flags = (peak.IsNegative ? MeasurementFlags.Negative : 0) | (peak.PeaksInFootprint > 1 ? MeasurementFlags.Deblended : 0);
        var (x, y, ok) = WeightedCentroid(exposure, sign, start.X, start.Y, sigma);
        if (!ok)
        {
            (x, y) = start;
            flags |= MeasurementFlags.CentroidFailed;
        }

        var (flux, err, chi2, n, stampMask, edge) = PsfFlux(exposure, psf, x, y);
        flags |= StampFlags(stampMask, edge, n == 0 || !double.IsFinite(flux));
        var ix = Math.Clamp(Psf.StampCentre(x), 0, w - 1);
        var iy = Math.Clamp(Psf.StampCentre(y), 0, h - 1);
        var centerMask = exposure.Mask[(iy * w) + ix];
        if ((centerMask & BadBits) != 0)
        {
            flags |= MeasurementFlags.CenterMasked;
        }

        var (ap, apVar, truncated) = Aperture(exposure, x, y, Math.Max(3.0, ApertureRadiusFwhm * psf.FwhmPixels));
        if (truncated)
        {
            flags |= MeasurementFlags.ApertureTruncated;
        }

        var (ixx, iyy, ixy) = Moments(exposure, sign, x, y, sigma);
        var snrErr = Math.Abs(peak.Snr) > 0 ? Math.Abs(peak.Snr) : 1.0;
        var positionErr = Math.Sqrt(2.0) * sigma / snrErr;
        return new SourceMeasurement
        {
            X = x,
            Y = y,
            XErr = positionErr,
            YErr = positionErr,
            PsfFlux = flux,
            PsfFluxErr = err,
            PsfChi2 = chi2,
            PsfNdata = n,
            ApFlux = ap,
            ApFluxErr = Math.Sqrt(apVar),
            Snr = peak.Snr,
            Ixx = ixx,
            Iyy = iyy,
            Ixy = ixy,
            Flags = flags,
            StampMask = stampMask,
            CenterMask = centerMask,
            BboxSize = peak.BboxSize,
            Peak = peak,
        };
    }

    /// <summary>Flags from the PSF stamp: the stamp, not the whole footprint, since a bright detection's footprint can reach a saturated neighbour.</summary>
    private static MeasurementFlags StampFlags(int stampMask, bool edge, bool fitFailed)
    {
        var flags = MeasurementFlags.None;
        if (edge)
        {
            flags |= MeasurementFlags.Edge;
        }

        if (fitFailed)
        {
            flags |= MeasurementFlags.PsfFitFailed;
        }

        if ((stampMask & (int)MaskPlane.Sat) != 0)
        {
            flags |= MeasurementFlags.Saturated;
        }

        if ((stampMask & (int)MaskPlane.Bad) != 0)
        {
            flags |= MeasurementFlags.Bad;
        }

        if ((stampMask & (int)MaskPlane.Cr) != 0)
        {
            flags |= MeasurementFlags.CosmicRay;
        }

        if ((stampMask & (int)(MaskPlane.NoData | MaskPlane.Intrp)) != 0)
        {
            flags |= MeasurementFlags.NoData;
        }

        return flags;
    }

    /// <summary>Sum and variance of the usable pixels whose centres lie within <paramref name="radius"/>; whether the circle left the image.</summary>
    private (double Flux, double Variance, bool Truncated) Aperture(Exposure exposure, double x, double y, double radius)
    {
        var w = exposure.Width;
        var ix = Psf.StampCentre(x);
        var iy = Psf.StampCentre(y);
        var r = (int)Math.Ceiling(radius);
        double ap = 0, apVar = 0;
        var truncated = false;
        for (var yy = iy - r; yy <= iy + r; yy++)
        {
            for (var xx = ix - r; xx <= ix + r; xx++)
            {
                if (((xx - x) * (xx - x)) + ((yy - y) * (yy - y)) > radius * radius)
                {
                    continue;
                }

                if ((uint)xx >= (uint)w || (uint)yy >= (uint)exposure.Height)
                {
                    truncated = true;
                    continue;
                }

                var k = (yy * w) + xx;
                if ((exposure.Mask[k] & BadBits) != 0 || !float.IsFinite(exposure.Image[k]))
                {
                    continue;
                }

                ap += exposure.Image[k];
                apVar += Math.Max(exposure.Variance[k], 0f);
            }
        }

        return (ap, apVar, truncated);
    }

    private static double Parabola(float left, float centre, float right)
    {
        var denominator = left - (2 * centre) + right;
        return denominator < 0 ? Math.Clamp(0.5 * (left - right) / denominator, -0.5, 0.5) : 0.0;
    }

    private (double X, double Y, bool Ok) WeightedCentroid(Exposure exposure, double sign, double x0, double y0, double sigma)
    {
        var r = (int)Math.Ceiling(2.5 * sigma);
        double x = x0, y = y0;
        for (var iteration = 0; iteration < 6; iteration++)
        {
            var sums = GaussianWeightedSums(exposure, sign, x, y, sigma, r);
            if (!(sums.S0 > 0))
            {
                return (x0, y0, false);
            }

            // A Gaussian weight matched to the PSF halves the measured offset: step twice the weighted mean.
            var mx = 2 * sums.Sx / sums.S0;
            var my = 2 * sums.Sy / sums.S0;
            x += Math.Clamp(mx, -1, 1);
            y += Math.Clamp(my, -1, 1);
            if (Math.Abs(x - x0) > 2 || Math.Abs(y - y0) > 2)
            {
                return (x0, y0, false);
            }

            if (Math.Abs(mx) + Math.Abs(my) < 1e-3)
            {
                break;
            }
        }

        return (x, y, true);
    }

    private (double Ixx, double Iyy, double Ixy) Moments(Exposure exposure, double sign, double x, double y, double sigma)
    {
        var s2 = sigma * sigma;
        var sums = GaussianWeightedSums(exposure, sign, x, y, sigma, (int)Math.Ceiling(3 * sigma));
        if (!(sums.S0 > 0))
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        // Weighted moments of a Gaussian source: M = (C^-1 + W^-1)^-1, so C = (M^-1 - W^-1)^-1 (axis by axis here).
        double Correct(double m) => m > 0 && m < s2 ? 1.0 / ((1.0 / m) - (1.0 / s2)) : double.NaN;
        var mxx = sums.Sxx / sums.S0;
        var myy = sums.Syy / sums.S0;
        var cxx = Correct(mxx);
        var cyy = Correct(myy);
        var scale = double.IsFinite(cxx) && double.IsFinite(cyy) ? Math.Sqrt(cxx * cyy / (mxx * myy)) : double.NaN;
        return (cxx, cyy, sums.Sxy / sums.S0 * scale);
    }

    /// <summary>
    /// Sums over the good pixels within <paramref name="r"/> of the pixel nearest (<paramref name="x"/>, <paramref name="y"/>)
    /// of the image value times <paramref name="sign"/>, weighted by a circular Gaussian of <paramref name="sigma"/> about
    /// that point: the weighted total and the first and second moments of the offsets (dx, dy) from it. Masked pixels and
    /// non-finite products are skipped.
    /// </summary>
    private WeightedSums GaussianWeightedSums(Exposure exposure, double sign, double x, double y, double sigma, int r)
    {
        var w = exposure.Width;
        var h = exposure.Height;
        var ix = (int)Math.Round(x);
        var iy = (int)Math.Round(y);
        var s2 = sigma * sigma;
        var sums = default(WeightedSums);
        for (var yy = Math.Max(iy - r, 0); yy <= Math.Min(iy + r, h - 1); yy++)
        {
            for (var xx = Math.Max(ix - r, 0); xx <= Math.Min(ix + r, w - 1); xx++)
            {
                var k = (yy * w) + xx;
                if ((exposure.Mask[k] & BadBits) != 0)
                {
                    continue;
                }

                var dx = xx - x;
                var dy = yy - y;
                var v = sign * exposure.Image[k] * Math.Exp(-0.5 * ((dx * dx) + (dy * dy)) / s2);
                if (!double.IsFinite(v))
                {
                    continue;
                }

                sums.S0 += v;
                sums.Sx += v * dx;
                sums.Sy += v * dy;
                sums.Sxx += v * dx * dx;
                sums.Syy += v * dy * dy;
                sums.Sxy += v * dx * dy;
            }
        }

        return sums;
    }

    /// <summary>The sums of <see cref="GaussianWeightedSums"/>: weight total, first and second moments.</summary>
    private struct WeightedSums
    {
        public double S0;
        public double Sx;
        public double Sy;
        public double Sxx;
        public double Syy;
        public double Sxy;
    }
}
