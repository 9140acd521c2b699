namespace Apdb.Imaging;

/// <summary>
/// The data array of an image HDU as stored: raw values of one BITPIX type (byte, short, int, long, float, double),
/// the axis lengths (NAXIS1 first: the fastest-varying axis, the image width), and the BSCALE/BZERO/BLANK that turn raw
/// values into physical ones (physical = BZERO + BSCALE * raw; BLANK integers become NaN).
/// </summary>
public sealed class FitsImage
{
    /// <summary>Wraps a raw array. <paramref name="raw"/> must be byte[], short[], int[], long[], float[] or double[].</summary>
    public FitsImage(Array raw, IReadOnlyList<int> axes, double bscale = 1.0, double bzero = 0.0, long? blank = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Bitpix = raw switch
        {
            byte[] => 8,
            short[] => 16,
            int[] => 32,
            long[] => 64,
            float[] => -32,
            double[] => -64,
            _ => throw new ArgumentException($"FITS images hold byte, short, int, long, float or double, not {raw.GetType().Name}", nameof(raw)),
        };
        long n = 1;
        foreach (var a in axes)
        {
            if (a < 0)
            {
                throw new ArgumentException($"axis length {a} is negative", nameof(axes));
            }

            n *= a;
        }

        if (n != raw.LongLength)
        {
            throw new ArgumentException($"axes [{string.Join(", ", axes)}] hold {n} values but the array has {raw.LongLength}", nameof(raw));
        }

        if (!double.IsFinite(bscale) || bscale == 0 || !double.IsFinite(bzero))
        {
            throw new ArgumentException($"BSCALE = {bscale} / BZERO = {bzero} must be finite and BSCALE non-zero");
        }

        Raw = raw;
        Axes = [.. axes];
        Bscale = bscale;
        Bzero = bzero;
        Blank = blank;
    }

    /// <summary>The raw stored values.</summary>
    public Array Raw { get; }

    /// <summary>8, 16, 32, 64, -32 or -64.</summary>
    public int Bitpix { get; }

    /// <summary>Axis lengths, NAXIS1 first.</summary>
    public IReadOnlyList<int> Axes { get; }

    /// <summary>The image width (NAXIS1), or 0 for an empty HDU.</summary>
    public int Width => Axes.Count > 0 ? Axes[0] : 0;

    /// <summary>The image height (NAXIS2), or 1 for a one-dimensional array.</summary>
    public int Height => Axes.Count > 1 ? Axes[1] : (Axes.Count == 1 ? 1 : 0);

    /// <summary>BSCALE (1 when absent).</summary>
    public double Bscale { get; }

    /// <summary>BZERO (0 when absent).</summary>
    public double Bzero { get; }

    /// <summary>BLANK: the raw integer value meaning "no data", or null.</summary>
    public long? Blank { get; }

    /// <summary>True when raw values are physical values (BSCALE 1, BZERO 0, no BLANK).</summary>
    public bool IsUnscaled => Bscale == 1.0 && Bzero == 0.0 && Blank is null;

    /// <summary>A float image with no scaling.</summary>
    public static FitsImage FromFloats(float[] data, int width, int height) => new(data, [width, height]);

    /// <summary>Physical values as doubles (exact for every BITPIX when BSCALE/BZERO are exact).</summary>
    public double[] ToDoubles()
    {
        var n = Raw.Length;
        var result = new double[n];
        switch (Raw)
        {
            case double[] d when IsUnscaled:
                d.CopyTo(result, 0);
                return result;
            case double[] d:
                for (var i = 0; i < n; i++) result[i] = Bzero + (Bscale * d[i]);
                return result;
            case float[] f:
                for (var i = 0; i < n; i++) result[i] = Bzero + (Bscale * f[i]);
                return result;
            default:
                for (var i = 0; i < n; i++) result[i] = PhysicalOfInteger(RawInteger(i));
                return result;
        }
    }

    /// <summary>Physical values as floats (the usual working precision of images).</summary>
    public float[] ToFloats()
    {
        if (Raw is float[] f && IsUnscaled)
        {
            return (float[])f.Clone();
        }

        var n = Raw.Length;
        var result = new float[n];
        switch (Raw)
        {
            case float[] fs:
                for (var i = 0; i < n; i++) result[i] = (float)(Bzero + (Bscale * fs[i]));
                break;
            case double[] d:
                for (var i = 0; i < n; i++) result[i] = (float)(Bzero + (Bscale * d[i]));
                break;
            default:
                for (var i = 0; i < n; i++) result[i] = (float)PhysicalOfInteger(RawInteger(i));
                break;
        }

        return result;
    }

    /// <summary>
    /// Quantizes physical values into an integer BITPIX with the given BSCALE/BZERO (raw = round((v - BZERO) / BSCALE)),
    /// or stores them as float/double for BITPIX -32/-64. NaN becomes <paramref name="blank"/> for integer types.
    /// </summary>
    public static FitsImage FromPhysical(ReadOnlySpan<double> values, IReadOnlyList<int> axes, int bitpix, double bscale = 1.0, double bzero = 0.0, long? blank = null)
    {
        var n = values.Length;
        Array raw;
        switch (bitpix)
        {
            case -64:
                var d = new double[n];
                for (var i = 0; i < n; i++) d[i] = (values[i] - bzero) / bscale;
                raw = d;
                break;
            case -32:
                var f = new float[n];
                for (var i = 0; i < n; i++) f[i] = (float)((values[i] - bzero) / bscale);
                raw = f;
                break;
            case 8 or 16 or 32 or 64:
                var (min, max) = bitpix switch
                {
                    8 => (0.0, 255.0),
                    16 => (short.MinValue, short.MaxValue),
                    32 => (int.MinValue, (double)int.MaxValue),
                    _ => (long.MinValue, (double)long.MaxValue),
                };
                var longs = new long[n];
                for (var i = 0; i < n; i++)
                {
                    if (double.IsNaN(values[i]))
                    {
                        longs[i] = blank ?? throw new ArgumentException("NaN values need a BLANK value for an integer BITPIX", nameof(blank));
                        continue;
                    }

                    var r = Math.Round((values[i] - bzero) / bscale);
                    if (r < min || r > max)
                    {
                        throw new ArgumentException($"value {values[i]} at index {i} does not fit BITPIX {bitpix} with BSCALE {bscale} and BZERO {bzero}", nameof(values));
                    }

                    longs[i] = (long)r;
                }

                raw = bitpix switch
                {
                    8 => Array.ConvertAll(longs, v => (byte)v),
                    16 => Array.ConvertAll(longs, v => (short)v),
                    32 => Array.ConvertAll(longs, v => (int)v),
                    _ => longs,
                };
                break;
            default:
                throw new ArgumentException($"BITPIX {bitpix} is not one of 8, 16, 32, 64, -32, -64", nameof(bitpix));
        }

        return new FitsImage(raw, axes, bscale, bzero, bitpix > 0 ? blank : null);
    }

    private long RawInteger(int i) => Raw switch
    {
        byte[] b => b[i],
        short[] s => s[i],
        int[] n => n[i],
        long[] l => l[i],
        _ => throw new InvalidOperationException("not an integer image"),
    };

    private double PhysicalOfInteger(long raw) => Blank == raw ? double.NaN : Bzero + (Bscale * raw);
}
