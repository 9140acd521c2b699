namespace Apdb.Imaging;

/// <summary>
/// Reads any FITS image as an <see cref="Exposure"/> and writes exposures as Rubin-style multi-extension files
/// (empty primary with metadata, then IMAGE, MASK, VARIANCE extensions).
/// </summary>
public static class ExposureFits
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
            mask = new int[image.Length];
        }

        var saturate = header.GetDouble("SATURATE") ?? double.PositiveInfinity;
        Parallel.For(0, height, y =>
        {
            for (var k = y * width; k < (y + 1) * width; k++)
            {
                if (!float.IsFinite(image[k]))
                {
                    mask[k] |= (int)MaskPlane.NoData;
                }
                else if (image[k] >= saturate)
                {
                    mask[k] |= (int)MaskPlane.Sat;
                }
            }
        });

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

            variance = EstimateVariance(image, width, height, background, g);
        }

        if (subtractBackground)
        {
            Parallel.For(0, height, () => new float[2 * width], (y, _, rows) =>
            {
                var level = rows.AsSpan(0, width);
                background.FillRow(y, level, rows.AsSpan(width, width));
                var row = image.AsSpan(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    row[x] -= level[x];
                }

                return rows;
            }, _ => { });
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

    /// <summary>
    /// The variance when the file has none: the background RMS squared plus, when <paramref name="gain"/> is positive,
    /// the sources' Poisson noise, max(3x3 mean of the residual, 0) / gain, only where the 5x5 mean of the residual is
    /// above 3 sigma / 5. A raw per-pixel data term gives upward fluctuations more variance, hence less weight, and
    /// biased weighted fits by about -N_eff/GAIN counts (measured: -0.15 sigma for faint sources, -0.08 on blank sky);
    /// smoothing divides that by 9 and keeps most of a bright core.
    /// </summary>
    /// <remarks>
    /// Bands of rows in parallel, each from the residual rows it needs (two rows of halo, clamped at the edges as
    /// <see cref="BackgroundEstimator.BoxSmooth"/> clamps) and the background interpolated row by row: no full-image
    /// temporaries (a 4k x 4k image used to take five fresh 64 MB planes here). Bit-identical to smoothing whole planes.
    /// </remarks>
    private static float[] EstimateVariance(float[] image, int width, int height, BackgroundMap background, float gain)
    {
        const int Band = 64;
        const int Halo = 2;
        var variance = new float[image.Length];
        var bands = (height + Band - 1) / Band;
        Parallel.For(0, bands, () => new VarianceWorkspace(width, Band + (2 * Halo)), (band, _, ws) =>
        {
            var y0 = band * Band;
            var y1 = Math.Min(height, y0 + Band);
            if (gain > 0)
            {
                // Horizontal 3- and 5-sums of the residual of rows y0 - 2 .. y1 + 1, each holding its clamped row.
                for (var i = 0; i < y1 - y0 + (2 * Halo); i++)
                {
                    var r = Math.Clamp(y0 - Halo + i, 0, height - 1);
                    background.FillRow(r, ws.Level, ws.Rms);
                    var source = image.AsSpan(r * width, width);
                    for (var x = 0; x < width; x++)
                    {
                        var v = source[x] - ws.Level[x];
                        ws.Residual[x] = float.IsFinite(v) ? v : 0f;
                    }

                    BackgroundEstimator.HorizontalBoxSum(ws.Residual, ws.Sums3.AsSpan(i * width, width), 1);
                    BackgroundEstimator.HorizontalBoxSum(ws.Residual, ws.Sums5.AsSpan(i * width, width), 2);
                }
            }

            for (var y = y0; y < y1; y++)
            {
                background.FillRow(y, ws.Level, ws.Rms);
                var output = variance.AsSpan(y * width, width);
                if (gain <= 0)
                {
                    for (var x = 0; x < width; x++)
                    {
                        output[x] = ws.Rms[x] * ws.Rms[x];
                    }

                    continue;
                }

                // Vertical sums in BoxSmooth's order (first row, then the others added one by one), then its scaling.
                var at = y - y0 + Halo;
                SumRows(ws.Sums5, width, at - 2, 5, ws.Smooth, 1f / 25f);
                SumRows(ws.Sums3, width, at - 1, 3, ws.Local, 1f / 9f);
                for (var x = 0; x < width; x++)
                {
                    var rms = ws.Rms[x];
                    var source = ws.Smooth[x] > 3f * rms / 5f ? Math.Max(ws.Local[x], 0f) / gain : 0f;
                    output[x] = (rms * rms) + source;
                }
            }

            return ws;
        }, _ => { });
        return variance;
    }

    private static void SumRows(float[] rows, int width, int first, int count, float[] output, float norm)
    {
        rows.AsSpan(first * width, width).CopyTo(output);
        for (var i = 1; i < count; i++)
        {
            var add = rows.AsSpan((first + i) * width, width);
            for (var x = 0; x < width; x++)
            {
                output[x] += add[x];
            }
        }

        for (var x = 0; x < width; x++)
        {
            output[x] *= norm;
        }
    }

    private sealed class VarianceWorkspace(int width, int rows)
    {
        public float[] Level { get; } = new float[width];

        public float[] Rms { get; } = new float[width];

        public float[] Residual { get; } = new float[width];

        public float[] Smooth { get; } = new float[width];

        public float[] Local { get; } = new float[width];

        public float[] Sums3 { get; } = new float[width * rows];

        public float[] Sums5 { get; } = new float[width * rows];
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
