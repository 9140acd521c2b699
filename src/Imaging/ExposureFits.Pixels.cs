using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Apdb.Imaging;

public static partial class ExposureFits
{
    /// <summary>Rows a parallel whole-image pass hands to one worker at a time.</summary>
    private const int PassBand = 64;

    /// <summary>Flags NaN (NO_DATA) and saturated (SAT) pixels of the whole image, bands of rows in parallel.</summary>
    private static void MarkUnusable(float[] image, int width, int height, double saturate, int[] mask)
    {
        var threshold = SaturationThreshold(saturate);
        Parallel.For(0, (height + PassBand - 1) / PassBand, band =>
        {
            var start = band * PassBand * width;
            var length = (Math.Min(height, (band + 1) * PassBand) * width) - start;
            MarkUnusable(image.AsSpan(start, length), threshold, mask.AsSpan(start, length));
        });
    }

    /// <summary>
    /// The smallest float f with (double)f &gt;= <paramref name="saturate"/>: for every float v, v &gt;= f exactly when
    /// (double)v &gt;= saturate, so the comparison can run on floats (NaN stays NaN: nothing compares above it).
    /// </summary>
    internal static float SaturationThreshold(double saturate)
    {
        var f = (float)saturate;
        return (double)f < saturate ? MathF.BitIncrement(f) : f;
    }

    /// <summary>
    /// mask[k] |= NO_DATA where image[k] is not finite, else SAT where image[k] &gt;= <paramref name="saturation"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MarkUnusable(ReadOnlySpan<float> image, float saturation, Span<int> mask)
    {
        if (mask.Length < image.Length)
        {
            throw new ArgumentException("the mask is shorter than the image", nameof(mask));
        }

        const int NoData = (int)MaskPlane.NoData;
        const int Sat = (int)MaskPlane.Sat;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var i0 = ref MemoryMarshal.GetReference(image);
            ref var m0 = ref MemoryMarshal.GetReference(mask);
            var threshold = Vector256.Create(saturation);
            var noData = Vector256.Create(NoData);
            var sat = Vector256.Create(Sat);
            for (; k <= image.Length - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref i0, (nuint)k);
                var finite = Vector256.Equals(v - v, Vector256<float>.Zero).AsInt32();
                var saturated = Vector256.GreaterThanOrEqual(v, threshold).AsInt32();
                var flags = Vector256.AndNot(noData, finite) | (finite & saturated & sat);
                if (flags != Vector256<int>.Zero)
                {
                    (Vector256.LoadUnsafe(ref m0, (nuint)k) | flags).StoreUnsafe(ref m0, (nuint)k);
                }
            }
        }

        for (; k < image.Length; k++)
        {
            if (!float.IsFinite(image[k]))
            {
                mask[k] |= NoData;
            }
            else if (image[k] >= saturation)
            {
                mask[k] |= Sat;
            }
        }
    }

    /// <summary>Subtracts the interpolated background level from rows [y0, y1), bands of rows in parallel.</summary>
    private static void SubtractBackground(float[] image, int width, int height, BackgroundMap background, int y0, int y1)
    {
        Parallel.For(0, (y1 - y0 + PassBand - 1) / PassBand, () => new float[width], (band, _, level) =>
        {
            for (var y = y0 + (band * PassBand); y < Math.Min(y1, y0 + ((band + 1) * PassBand)); y++)
            {
                background.FillLevelRow(y, level);
                SubtractInPlace(image.AsSpan(y * width, width), level);
            }

            return level;
        }, _ => { });
    }

    /// <summary>row[x] -= level[x]: <see cref="PixelMath.AddScaled{T}"/> with scale -1, which rounds exactly as the subtraction.</summary>
    internal static void SubtractInPlace(Span<float> row, ReadOnlySpan<float> level)
    {
        if (level.Length < row.Length)
        {
            throw new ArgumentException("the level row is shorter than the image row", nameof(level));
        }

        PixelMath.AddScaled(level[..row.Length], -1f, row);
    }
}
