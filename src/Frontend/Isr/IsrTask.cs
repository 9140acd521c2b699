using Apdb.Imaging;
using Apdb.Simulation.Rendering;

namespace Apdb.Frontend.Isr;

/// <summary>
/// Instrument signature removal: per-row overscan level (3-sigma clipped mean of the strip, smoothed over 31 rows),
/// trim, bias structure, gain to electrons, dark (times the exposure time), flat; SAT where the raw value reached the
/// header's SATURATE, BAD on the defect list's columns; variance = max(signal, 0) / flat + (read noise / flat)^2 in
/// electrons^2. Reads GAIN, RDNOISE, SATURATE, OVERSCAN and EXPTIME from the raw header.
/// </summary>
public sealed class IsrTask
{
    /// <summary>Runs ISR; the result is in electrons, the raw's WCS carried over.</summary>
    public Exposure Run(Exposure raw, CalibrationFrames calibration)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(calibration);
        var header = raw.Metadata;
        var gain = Required(header, "GAIN");
        var readNoise = Required(header, "RDNOISE");
        var saturate = Required(header, "SATURATE");
        var exposureTime = Required(header, "EXPTIME");
        var overscan = (int)(header.GetLong("OVERSCAN") ?? throw new InvalidOperationException("raw header lacks OVERSCAN"));
        var w = raw.Width - overscan;
        var h = raw.Height;
        if (w != calibration.Width || h != calibration.Height || overscan < 4)
        {
            throw new InvalidOperationException($"raw imaging area {w} x {h} (overscan {overscan}) does not match the calibration frames {calibration.Width} x {calibration.Height}");
        }

        // Overscan: clipped mean per row, then a running mean over rows (the read noise of one row's strip is large).
        var rowLevel = new double[h];
        Parallel.For(0, h, y =>
        {
            Span<float> strip = stackalloc float[overscan];
            raw.Image.AsSpan((y * raw.Width) + w, overscan).CopyTo(strip);
            strip.Sort();
            var median = strip[overscan / 2];
            var sigma = Math.Max((strip[(3 * overscan) / 4] - strip[overscan / 4]) / 1.349, 0.5);
            double s = 0;
            var n = 0;
            foreach (var v in strip)
            {
                if (Math.Abs(v - median) <= 3 * sigma)
                {
                    s += v;
                    n++;
                }
            }

            rowLevel[y] = n > 0 ? s / n : median;
        });
        var smooth = new double[h];
        const int Half = 15;
        for (var y = 0; y < h; y++)
        {
            double s = 0;
            var n = 0;
            for (var t = Math.Max(0, y - Half); t <= Math.Min(h - 1, y + Half); t++)
            {
                s += rowLevel[t];
                n++;
            }

            smooth[y] = s / n;
        }

        // Every pixel of the three planes is written below.
        var image = ScratchPlanes<float>.Rent(w * h);
        var variance = ScratchPlanes<float>.Rent(w * h);
        var mask = ScratchPlanes<int>.Rent(w * h);
        var rn2 = readNoise * readNoise;
        Parallel.For(0, h, y =>
        {
            var rawRow = y * raw.Width;
            var row = y * w;
            for (var x = 0; x < w; x++)
            {
                var k = row + x;
                var adu = raw.Image[rawRow + x];
                var flat = calibration.Flat[k];
                var electrons = ((adu - smooth[y] - calibration.Bias[k]) * gain) - (calibration.Dark[k] * exposureTime);
                image[k] = (float)(electrons / flat);
                variance[k] = (float)((Math.Max(electrons, 0) + rn2) / (flat * flat));
                mask[k] = adu >= saturate ? (int)MaskPlane.Sat : 0;
            }

            foreach (var b in calibration.BadColumns)
            {
                mask[row + b] |= (int)MaskPlane.Bad;
            }
        });

        var result = new Exposure(w, h, image, variance, mask) { Wcs = raw.Wcs, Metadata = header.Clone() };
        result.Metadata.Set("BUNIT", "electron", "after ISR");
        return result;
    }

    private static double Required(FitsHeader header, string keyword) =>
        header.GetDouble(keyword) is { } v && double.IsFinite(v) ? v : throw new InvalidOperationException($"raw header lacks {keyword}");
}
