namespace Apdb.Imaging;

/// <summary>
/// Reads any FITS image as an <see cref="Exposure"/> and writes exposures as Rubin-style multi-extension files
/// (empty primary with metadata, then IMAGE, MASK, VARIANCE extensions).
/// </summary>
public static partial class ExposureFits
{
    /// <summary>
    /// Reads the image HDU <paramref name="hdu"/> (default: the first HDU holding a 2-D image) of a FITS file.
    /// Variance: an extension named VARIANCE of the same shape when present, else estimated as the local background
    /// RMS squared plus, when the header gives GAIN (e-/ADU), the source Poisson term max(image - background, 0) / GAIN.
    /// Mask: an extension named MASK (MASKBn or MP_* keywords map bit names) when present; NaN pixels get NO_DATA and pixels at
    /// or above SATURATE get SAT. WCS and calibration come from the image header (or the primary header when the
    /// image header has no WCS). With <paramref name="subtractBackground"/> the mesh background is subtracted.
    /// </summary>
    public static LoadedExposure Read(string path, int? hdu = null, bool subtractBackground = true)
    {
        var infos = FitsFile.ReadHeaders(path);
        FitsHduInfo info;
        if (hdu is { } index)
        {
            if (index < 0 || index >= infos.Count)
            {
                throw new FitsException($"{path}: HDU {index} does not exist (the file has {infos.Count} HDU{(infos.Count == 1 ? "" : "s")}, 0-{infos.Count - 1})");
            }

            info = infos[index];
            if (!info.IsImage || info.Axes.Count != 2)
            {
                throw new FitsException($"{path}: HDU {index} is not a 2-D image (NAXIS = {info.Axes.Count}{(info.XTension is { } x ? $", XTENSION = {x}" : "")})");
            }
        }
        else
        {
            info = infos.FirstOrDefault(i => i.IsImage && i.Axes.Count == 2 && i.Name is not ("MASK" or "VARIANCE"))
                ?? throw new FitsException($"{path}: no HDU holds a 2-D image");
        }

        var width = info.Axes[0];
        var height = info.Axes[1];
        var data = FitsFile.ReadImage(path, info);
        var image = data.Raw is float[] floats && data.IsUnscaled ? floats : data.ToFloats(); // the array just read is ours: no copy
        var header = info.Header;
        var userHeader = new FitsHeader(header.Cards.Where(c => !FitsFile.IsStructural(c.Keyword)));

        int[] mask;
        if (infos.FirstOrDefault(i => i.Name == "MASK" && i.IsImage && SameShape(i, info)) is { } maskInfo)
        {
            var raw = FitsFile.ReadImage(path, maskInfo).ToDoubles();
            mask = new int[raw.Length];
            var map = MaskPlanes.FileBitMap(maskInfo.Header);
            for (var k = 0; k < raw.Length; k++)
            {
                mask[k] = Remap(double.IsFinite(raw[k]) ? (int)raw[k] : 0, map);
            }
        }
        else
        {
            mask = PlaneMemory.Zeroed<int>(image.Length);
        }

        MarkUnusable(image, width, height, header.GetDouble("SATURATE") ?? double.PositiveInfinity, mask);

        float[]? variance = null;
        var varianceSource = "estimated from the background RMS";
        if (infos.FirstOrDefault(i => i.Name == "VARIANCE" && i.IsImage && SameShape(i, info)) is { } varianceInfo)
        {
            variance = FitsFile.ReadImage(path, varianceInfo).ToFloats();
            varianceSource = $"HDU {varianceInfo.Index} (VARIANCE)";
        }

        var background = BackgroundEstimator.Estimate(image, width, height, mask, (int)MaskPlanes.Unusable);
        var gain = header.GetDouble("GAIN");
        if (variance is null)
        {
            var g = gain is > 0 and < 1e6 ? (float)gain.Value : 0f;
            if (g > 0)
            {
                varianceSource += $" plus source Poisson noise with GAIN = {g}";
            }

            // The variance pass interpolates the level of every row anyway: it subtracts it on the way.
            variance = EstimateVariance(image, width, height, background, g, subtractBackground);
        }
        else if (subtractBackground)
        {
            SubtractBackground(image, width, height, background, 0, height);
        }

        var exposure = new Exposure(width, height, image, variance, mask) { Metadata = userHeader };
        string? wcsProblem = null;
        if (TanWcs.TryRead(header, out var wcs, out var reason))
        {
            exposure.Wcs = wcs;
        }
        else if (info.Index != 0 && TanWcs.TryRead(infos[0].Header, out var primaryWcs, out _))
        {
            exposure.Wcs = primaryWcs;
        }
        else
        {
            wcsProblem = reason;
        }

        exposure.PhotoCalib = PhotoCalib.FromHeader(header) ?? (info.Index != 0 ? PhotoCalib.FromHeader(infos[0].Header) : null);
        return new LoadedExposure(exposure, info.Index, background, subtractBackground, varianceSource, wcsProblem);
    }

    /// <summary>Writes an exposure as primary (metadata, calibration) + IMAGE + MASK + VARIANCE (each with the WCS).</summary>
    public static void Write(string path, Exposure exposure)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        // The WCS goes on each image extension: on the data-less primary its indexed keywords are invalid (NAXIS = 0).
        var primary = exposure.Metadata.Clone();
        exposure.PhotoCalib?.WriteTo(primary);
        FitsHeader Extension(string name)
        {
            var h = new FitsHeader();
            h.Set("EXTNAME", name);
            exposure.Wcs?.WriteTo(h);
            return h;
        }

        var maskHeader = Extension("MASK");
        MaskPlanes.WriteTo(maskHeader);
        int[] axes = [exposure.Width, exposure.Height];
        FitsFile.Write(path,
        [
            new FitsHdu(primary, null),
            new FitsHdu(Extension("IMAGE"), new FitsImage(exposure.Image, axes)),
            new FitsHdu(maskHeader, new FitsImage(exposure.Mask, axes)),
            new FitsHdu(Extension("VARIANCE"), new FitsImage(exposure.Variance, axes)),
        ]);
    }

    private static bool SameShape(FitsHduInfo a, FitsHduInfo b) => a.Axes.Count == 2 && a.Axes[0] == b.Axes[0] && a.Axes[1] == b.Axes[1];

    private static int Remap(int value, int[] map)
    {
        var result = 0;
        while (value != 0)
        {
            var b = System.Numerics.BitOperations.TrailingZeroCount(value);
            result |= map[b];
            value &= value - 1;
        }

        return result;
    }
}
