namespace Apdb.Imaging;

/// <summary>
/// A point-spread function model. A stamp is a (2h+1) x (2h+1) row-major image of a unit-flux point source at (x, y),
/// centred on the pixel nearest the source, <see cref="StampCentre"/>(x), <see cref="StampCentre"/>(y), so the source
/// sits at sub-pixel offset (x - cx, y - cy) in [-0.5, 0.5) from the stamp's central pixel.
/// </summary>
public abstract class Psf
{
    /// <summary>Full width at half maximum, pixels.</summary>
    public abstract double FwhmPixels { get; }

    /// <summary>
    /// True when the PSF does not depend on position, so stamps depend only on the sub-pixel phase and can be
    /// computed once per batch.
    /// </summary>
    public virtual bool IsSpatiallyConstant => true;

    /// <summary>A short description for logs and reports.</summary>
    public abstract string Description { get; }

    /// <summary>The stamp centre pixel for a coordinate: the nearest integer, halves rounding up.</summary>
    public static int StampCentre(double coordinate) => (int)Math.Floor(coordinate + 0.5);

    /// <summary>Writes the stamp of a unit-flux source at (x, y) into <paramref name="destination"/>.</summary>
    public void ComputeStamp(double x, double y, int halfWidth, Span<float> destination)
    {
        if (halfWidth is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(halfWidth), halfWidth, "the stamp half-width must be 0-256");
        }

        var size = (2 * halfWidth) + 1;
        if (destination.Length < size * size)
        {
            throw new ArgumentException($"a stamp of half-width {halfWidth} needs {size * size} values, the destination has {destination.Length}", nameof(destination));
        }

        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            throw new ArgumentException($"the PSF position ({x}, {y}) is not finite");
        }

        var dx = x - StampCentre(x);
        var dy = y - StampCentre(y);
        ComputeStampCore(x, y, dx, dy, halfWidth, destination[..(size * size)]);
    }

    /// <summary>
    /// True when stamps are outer products of one 1-D profile per axis (a circular Gaussian): batches then cache 1-D
    /// profiles per sub-pixel phase and compose stamps on the fly, so finer phase grids cost almost nothing.
    /// </summary>
    public virtual bool IsSeparable => false;

    /// <summary>
    /// The 1-D profile along one axis for a source at sub-pixel offset <paramref name="offset"/>, (2h+1) values, such that
    /// stamp[j, i] = profile(dy)[j] * profile(dx)[i]. Only for <see cref="IsSeparable"/> models.
    /// </summary>
    public virtual void ComputeProfile(double offset, int halfWidth, Span<float> destination) =>
        throw new NotSupportedException($"{Description} is not separable");

    /// <summary>
    /// Scales <paramref name="stamp"/>, whose values add up to <paramref name="sum"/>, to add up to 1 (the flux inside the
    /// stamp rather than the model's total), for models that offer that normalisation. A stamp with nothing in it is left as it is.
    /// </summary>
    protected static void NormalizeToUnitSum(Span<float> stamp, double sum)
    {
        if (!(sum > 0))
        {
            return;
        }

        var scale = (float)(1.0 / sum);
        for (var k = 0; k < stamp.Length; k++)
        {
            stamp[k] *= scale;
        }
    }

    /// <summary>Computes the stamp for a source at sub-pixel offset (dx, dy) from the central pixel.</summary>
    protected abstract void ComputeStampCore(double x, double y, double dx, double dy, int halfWidth, Span<float> destination);
}
