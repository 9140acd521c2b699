using Apdb.Imaging;

namespace Apdb.Frontend.Measurement;

/// <summary>A PSF read in the coordinates of a cutout whose origin is the whole image's pixel (<c>x0</c>, <c>y0</c>).</summary>
internal sealed class ShiftedPsf(Psf inner, int x0, int y0) : Psf
{
    /// <inheritdoc />
    public override double FwhmPixels => inner.FwhmPixels;

    /// <inheritdoc />
    public override bool IsSpatiallyConstant => inner.IsSpatiallyConstant;

    /// <inheritdoc />
    public override string Description => inner.Description;

    /// <inheritdoc />
    protected override void ComputeStampCore(double x, double y, double dx, double dy, int halfWidth, Span<float> destination) =>
        inner.ComputeStamp(x + x0, y + y0, halfWidth, destination);
}
