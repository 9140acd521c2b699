using Apdb.Imaging;

namespace Apdb.Alerts;

/// <summary>
/// Square FITS cutouts around a DiaSource, as Rubin's alert packaging makes them: the side is the source's footprint
/// box (<c>bboxSize</c>) clamped to 30-102 pixels; pixels off the image are NaN and carry the NO_DATA mask bit. Each
/// cutout is a FITS file in memory: the image in the primary HDU (nJy when the exposure is calibrated), a <c>MASK</c>
/// extension and an <c>UNCERT</c> extension holding the variance (the layout astropy's <c>CCDData</c> reads), every HDU
/// with the exposure's WCS shifted to the cutout's origin.
/// </summary>
public static class Cutout
{
    /// <summary>Smallest cutout side, pixels.</summary>
    public const int MinSize = 30;

    /// <summary>Largest cutout side, pixels.</summary>
    public const int MaxSize = 102;

    /// <summary>The cutout side for a source whose footprint box is <paramref name="bboxSize"/> pixels (unknown: the smallest).</summary>
    public static int SizeFor(int? bboxSize) => Math.Clamp(bboxSize ?? MinSize, MinSize, MaxSize);

    /// <summary>
    /// The first column and row of a <paramref name="size"/>-pixel cutout centred on (<paramref name="x"/>,
    /// <paramref name="y"/>), 0-based pixel centres on integers.
    /// </summary>
    public static (int X0, int Y0) Origin(double x, double y, int size) =>
        ((int)Math.Floor(x + 0.5) - (size / 2), (int)Math.Floor(y + 0.5) - (size / 2));

    /// <summary>Cuts a square of <paramref name="size"/> pixels centred on (x, y) and returns it as FITS bytes.</summary>
    public static byte[] ToFits(Exposure exposure, double x, double y, int size)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            throw new ArgumentException($"cutout centre ({x}, {y}) is not finite");
        }

        var (x0, y0) = Origin(x, y, size);
        var scale = (float)(exposure.PhotoCalib?.NanojanskyPerCount ?? 1.0);
        var n = size * size;
        var image = new float[n];
        var variance = new float[n];
        var mask = new int[n];
        for (var j = 0; j < size; j++)
        {
            var sy = y0 + j;
            for (var i = 0; i < size; i++)
            {
                var sx = x0 + i;
                var k = (j * size) + i;
                if (sx < 0 || sy < 0 || sx >= exposure.Width || sy >= exposure.Height)
                {
                    image[k] = float.NaN;
                    variance[k] = float.NaN;
                    mask[k] = (int)MaskPlane.NoData;
                    continue;
                }

                var s = ((long)sy * exposure.Width) + sx;
                image[k] = exposure.Image[s] * scale;
                variance[k] = exposure.Variance[s] * scale * scale;
                mask[k] = exposure.Mask[s];
            }
        }

        int[] axes = [size, size];
        var primary = Header(exposure, x0, y0);
        primary.Set("BUNIT", exposure.PhotoCalib is null ? "count" : "nJy", "pixel unit");
        primary.Set("CUTX0", (long)x0, "0-based column of the cutout's first pixel in the exposure");
        primary.Set("CUTY0", (long)y0, "0-based row of the cutout's first pixel in the exposure");
        var maskHeader = Header(exposure, x0, y0);
        maskHeader.Set("EXTNAME", "MASK");
        MaskPlanes.WriteTo(maskHeader);
        var uncertHeader = Header(exposure, x0, y0);
        uncertHeader.Set("EXTNAME", "UNCERT");
        uncertHeader.Set("UTYPE", "VarianceUncertainty", "the pixel variance");
        using var stream = new MemoryStream((3 * n * 4) + (4 * 2880 * 3));
        FitsFile.Write(stream,
        [
            new FitsHdu(primary, new FitsImage(image, axes)),
            new FitsHdu(maskHeader, new FitsImage(mask, axes)),
            new FitsHdu(uncertHeader, new FitsImage(variance, axes)),
        ]);
        return stream.ToArray();
    }

    private static FitsHeader Header(Exposure exposure, int x0, int y0)
    {
        var header = new FitsHeader();
        if (exposure.Wcs is { } wcs)
        {
            // CRPIX is 1-based in the exposure's pixels; the cutout's pixel (0, 0) is the exposure's (x0, y0). SIP
            // terms are polynomials of the offset from CRPIX, so they stay valid when CRPIX moves with the origin.
            wcs.WriteTo(header);
            header.Set("CRPIX1", wcs.Crpix1 - x0, "reference pixel (1-based)");
            header.Set("CRPIX2", wcs.Crpix2 - y0, "reference pixel (1-based)");
        }

        return header;
    }
}
