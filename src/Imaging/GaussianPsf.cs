using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>
/// A circular Gaussian PSF, sigma = FWHM / (2 sqrt(2 ln 2)). Pixel values are those of a unit-flux source, so a stamp
/// sums to the fraction of light it encloses (1 to 1e-6 once the half-width exceeds ~5 sigma); with
/// <c>normalizeToStamp</c> the stamp is scaled to sum exactly 1.
/// </summary>
public sealed class GaussianPsf : Psf
{
    /// <summary>FWHM / sigma for a Gaussian: <see cref="AstroConstants.FwhmPerSigma"/>, here too because a PSF's readers look for it here.</summary>
    public const double FwhmPerSigma = AstroConstants.FwhmPerSigma;

    private readonly bool _normalizeToStamp;

    /// <summary>Creates a Gaussian PSF of the given FWHM in pixels.</summary>
    public GaussianPsf(double fwhmPixels, PsfSampling sampling = PsfSampling.Integrated, bool normalizeToStamp = false)
    {
        if (!double.IsFinite(fwhmPixels) || fwhmPixels <= 0 || fwhmPixels > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(fwhmPixels), fwhmPixels, "the PSF FWHM must be a finite number of pixels in (0, 1000]");
        }

        FwhmPixels = fwhmPixels;
        Sampling = sampling;
        _normalizeToStamp = normalizeToStamp;
    }

    /// <inheritdoc />
    public override double FwhmPixels { get; }

    /// <summary>Sigma in pixels.</summary>
    public double Sigma => FwhmPixels / FwhmPerSigma;

    /// <summary>How pixel values are computed.</summary>
    public PsfSampling Sampling { get; }

    /// <inheritdoc />
    public override string Description => $"Gaussian FWHM {FwhmPixels:0.###} px ({Sampling.ToString().ToLowerInvariant()})";

    /// <inheritdoc />
    public override bool IsSeparable => !_normalizeToStamp;

    /// <inheritdoc />
    public override void ComputeProfile(double offset, int halfWidth, Span<float> destination)
    {
        var size = (2 * halfWidth) + 1;
        if (destination.Length < size)
        {
            throw new ArgumentException($"a profile of half-width {halfWidth} needs {size} values", nameof(destination));
        }

        Span<double> g = stackalloc double[size];
        Profile1D(offset, halfWidth, g);
        for (var i = 0; i < size; i++)
        {
            destination[i] = (float)g[i];
        }
    }

    /// <inheritdoc />
    protected override void ComputeStampCore(double x, double y, double dx, double dy, int halfWidth, Span<float> destination)
    {
        var size = (2 * halfWidth) + 1;
        Span<double> gx = stackalloc double[size];
        Span<double> gy = stackalloc double[size];
        Profile1D(dx, halfWidth, gx);
        Profile1D(dy, halfWidth, gy);
        var sum = 0.0;
        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                var v = gy[j] * gx[i];
                destination[(j * size) + i] = (float)v;
                sum += v;
            }
        }

        if (_normalizeToStamp)
        {
            NormalizeToUnitSum(destination, sum);
        }
    }

    private void Profile1D(double offset, int halfWidth, Span<double> g)
    {
        var sigma = Sigma;
        if (Sampling == PsfSampling.Sampled)
        {
            var norm = 1.0 / (sigma * Math.Sqrt(2 * Math.PI));
            for (var i = 0; i < g.Length; i++)
            {
                var t = (i - halfWidth - offset) / sigma;
                g[i] = norm * Math.Exp(-0.5 * t * t);
            }

            return;
        }

        var scale = 1.0 / (sigma * Math.Sqrt(2.0));
        var lower = SpecialFunctions.Erf((-halfWidth - offset - 0.5) * scale);
        for (var i = 0; i < g.Length; i++)
        {
            var upper = SpecialFunctions.Erf((i - halfWidth - offset + 0.5) * scale);
            g[i] = 0.5 * (upper - lower);
            lower = upper;
        }
    }
}
