using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Apdb.ForcedPhot;

/// <summary>
/// The fused fit kernels for stamps wholly inside the image. One pass reads the image, variance and mask planes in
/// place (no gather), decides per pixel whether it is good (no bad mask bit, finite data, finite positive variance),
/// accumulates the chosen estimator's sums with Vector256 fused multiply-adds, and leaves the stamp's PSF values,
/// cleaned data and weights in a small scratch; chi^2 is then one contiguous pass over that scratch, in L1. A stamp row
/// of 2h+1 pixels is whole vectors plus one vector overlapping the previous one with its repeated lanes left out of the
/// sums. The PSF comes as a full stamp or, for separable models, as two profiles multiplied in registers. The scalar
/// versions are the reference the tests compare against; <see cref="PsfFitKernels"/> (gather + clean + sums) remains
/// the path for stamps at the edges and for joint fits.
/// </summary>
internal static class StampKernels
{
    /// <summary>Whether the vector path applies to stamps of this side.</summary>
    public static bool Vectorized(int size) => Vector256.IsHardwareAccelerated && size >= Vector256<float>.Count;

    /// <summary>
    /// One pass over the stamp whose top-left pixel is (x0, y0): the sums of one estimator (the weighted one's
    /// <see cref="PsfFitSums.PsfDataWeighted"/>, <see cref="PsfFitSums.PsfPsfWeighted"/>, or the unweighted one's
    /// <see cref="PsfFitSums.PsfData"/>, <see cref="PsfFitSums.PsfPsf"/>, <see cref="PsfFitSums.PsfPsfVariance"/>; the
    /// others are 0) and the good-pixel count. The stamp's PSF values, its data (0 where bad) and its weights 1/V (0 where
    /// bad) are left in <paramref name="scratch"/> for <see cref="Chi2(StampScratch, int, float)"/>. The planes are
    /// row-major with <paramref name="width"/> columns; the stamp must lie inside them.
    /// </summary>
    public static PsfFitSums Sums<TPsf>(TPsf psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits, bool weighted, StampScratch scratch)
        where TPsf : struct, IStampPsf
    {
        Check(psf.Length, size, image, variance, mask, width, x0, y0);
        if (!Vectorized(size) || scratch.Length < size * size)
        {
            throw new ArgumentException($"a {size} x {size} stamp needs the vector path (size >= {Vector256<float>.Count}) and a scratch of {size * size} values (has {scratch.Length})");
        }

        var buffers = (scratch.Psf, scratch.Data, scratch.Weight);
        return weighted
            ? Pass<TPsf, WeightedSums>(psf, size, image, variance, mask, width, x0, y0, badBits, buffers)
            : Pass<TPsf, UnweightedSums>(psf, size, image, variance, mask, width, x0, y0, badBits, buffers);
    }

    private static PsfFitSums Pass<TPsf, TSums>(TPsf psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits, (float[] Psf, float[] Data, float[] Weight) scratch)
        where TPsf : struct, IStampPsf
        where TSums : struct
    {
        ref var d0 = ref MemoryMarshal.GetReference(image);
        ref var v0 = ref MemoryMarshal.GetReference(variance);
        ref var m0 = ref MemoryMarshal.GetReference(mask);
        ref var sp = ref MemoryMarshal.GetArrayDataReference(scratch.Psf);
        ref var sd = ref MemoryMarshal.GetArrayDataReference(scratch.Data);
        ref var sw = ref MemoryMarshal.GetArrayDataReference(scratch.Weight);
        var bad = Vector256.Create(badBits);
        var one = Vector256.Create(1f);
        var inf = Vector256.Create(float.PositiveInfinity);

        // A row is whole vectors plus, when 8 does not divide it, one vector overlapping the previous one: its repeated
        // lanes are stored again (the same values) but not summed again.
        var tailOffset = size - Vector256<float>.Count;
        var tailLanes = TailLanes(size);
        var vectors = (size + Vector256<float>.Count - 1) / Vector256<float>.Count;
        Vector256<float> a1 = default, a2 = default, a3 = default, ag = default;
        for (var j = 0; j < size; j++)
        {
            var row = ((y0 + j) * width) + x0;
            var srow = j * size;
            for (var t = 0; t < vectors; t++)
            {
                var i = Math.Min(t * Vector256<float>.Count, tailOffset);
                var lanes = i == t * Vector256<float>.Count ? Vector256<float>.AllBitsSet : tailLanes;
                var p = psf.Load(j, i);
                var k = (nuint)(row + i);
                var s = (nuint)(srow + i);
                var d = Vector256.LoadUnsafe(ref d0, k);
                var v = Vector256.LoadUnsafe(ref v0, k);
                var ok = Vector256.Equals(Vector256.LoadUnsafe(ref m0, k) & bad, Vector256<int>.Zero).AsSingle()
                    & Vector256.Equals(d - d, Vector256<float>.Zero) & Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.LessThan(v, inf);
                var dd = d & ok;
                var w = Reciprocal(v) & ok;
                p.StoreUnsafe(ref sp, s);
                dd.StoreUnsafe(ref sd, s);
                w.StoreUnsafe(ref sw, s);
                var pl = p & lanes;
                if (typeof(TSums) == typeof(WeightedSums))
                {
                    var pw = pl * w;
                    a1 = MulAdd(pw, dd, a1);
                    a2 = MulAdd(pw, p, a2);
                }
                else
                {
                    var pp = pl * p & ok;
                    a1 = MulAdd(pl, dd, a1);
                    a2 += pp;
                    a3 = MulAdd(pp, v & ok, a3);
                }

                ag += one & ok & lanes;
            }
        }

        return typeof(TSums) == typeof(WeightedSums)
            ? new PsfFitSums(0, 0, 0, Sum(a1), Sum(a2), Sum(ag))
            : new PsfFitSums(Sum(a1), Sum(a2), Sum(a3), 0, 0, Sum(ag));
    }

    /// <summary>Selects the weighted estimator's sums in <see cref="Pass{TPsf, TSums}"/> (a type, so each loop is compiled without the other).</summary>
    private readonly struct WeightedSums;

    /// <summary>Selects the unweighted estimator's sums.</summary>
    private readonly struct UnweightedSums;

    /// <summary>
    /// chi^2 = sum over good pixels of (D - a P)^2 / V, from the PSF, data and weights that <see cref="Sums{TPsf}"/> left
    /// in <paramref name="scratch"/> for a size x size stamp (contiguous: one pass of whole vectors, the rest scalar).
    /// </summary>
    public static double Chi2(StampScratch scratch, int size, float amplitude)
    {
        var n = size * size;
        if (scratch.Length < n)
        {
            throw new ArgumentException($"a {size} x {size} stamp needs a scratch of {n} values (has {scratch.Length})");
        }

        ref var sp = ref MemoryMarshal.GetArrayDataReference(scratch.Psf);
        ref var sd = ref MemoryMarshal.GetArrayDataReference(scratch.Data);
        ref var sw = ref MemoryMarshal.GetArrayDataReference(scratch.Weight);
        var a = Vector256.Create(amplitude);
        Vector256<float> acc0 = default, acc1 = default;
        var k = 0;
        for (; k <= n - (2 * Vector256<float>.Count); k += 2 * Vector256<float>.Count)
        {
            var r0 = Vector256.LoadUnsafe(ref sd, (nuint)k) - (a * Vector256.LoadUnsafe(ref sp, (nuint)k));
            var r1 = Vector256.LoadUnsafe(ref sd, (nuint)(k + 8)) - (a * Vector256.LoadUnsafe(ref sp, (nuint)(k + 8)));
            acc0 = MulAdd(r0 * r0, Vector256.LoadUnsafe(ref sw, (nuint)k), acc0);
            acc1 = MulAdd(r1 * r1, Vector256.LoadUnsafe(ref sw, (nuint)(k + 8)), acc1);
        }

        var sum = Sum(acc0 + acc1);
        for (; k < n; k++)
        {
            var r = Unsafe.Add(ref sd, k) - (amplitude * Unsafe.Add(ref sp, k));
            sum += r * r * Unsafe.Add(ref sw, k);
        }

        return sum;
    }

    /// <summary>The scalar reference of <see cref="Sums"/>.</summary>
    public static PsfFitSums SumsScalar(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits)
    {
        double pd = 0, pp = 0, ppv = 0, pdw = 0, ppw = 0, g = 0;
        foreach (var (p, d, v) in UsablePixels(psf, size, image, variance, mask, width, x0, y0, badBits))
        {
            pd += p * d;
            pp += p * p;
            ppv += p * p * v;
            pdw += p * d / v;
            ppw += p * p / v;
            g++;
        }

        return new PsfFitSums(pd, pp, ppv, pdw, ppw, g);
    }

    /// <summary>The scalar reference of <see cref="Chi2"/>.</summary>
    public static double Chi2Scalar(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits, float amplitude)
    {
        double sum = 0;
        foreach (var (p, d, v) in UsablePixels(psf, size, image, variance, mask, width, x0, y0, badBits))
        {
            double r = d - (amplitude * (float)p);
            sum += r * r / v;
        }

        return sum;
    }

    /// <summary>
    /// The stamp's usable pixels in row order, as (PSF value, data, variance): the pixels the scalar references sum over
    /// (no bad mask bit, finite data, finite positive variance).
    /// </summary>
    private static List<(double Psf, float Data, float Variance)> UsablePixels(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image,
        ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int width, int x0, int y0, int badBits)
    {
        var usable = new List<(double Psf, float Data, float Variance)>(size * size);
        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                var k = ((y0 + j) * width) + x0 + i;
                float d = image[k], v = variance[k];
                if ((mask[k] & badBits) == 0 && float.IsFinite(d) && v > 0 && float.IsFinite(v))
                {
                    usable.Add((psf[(j * size) + i], d, v));
                }
            }
        }

        return usable;
    }

    /// <summary>
    /// Hints the cache to fetch plane values [<paramref name="from"/>, <paramref name="to"/>) of the three planes, a
    /// 64-byte line at a time, into the outer caches (they are read by later stamps, not the current one).
    /// </summary>
    public static unsafe void Stream(float[] image, float[] variance, int[] mask, long from, long to)
    {
        if (!Sse.IsSupported || from >= to || to > image.Length || variance.Length != image.Length || mask.Length != image.Length)
        {
            return;
        }

        fixed (float* d = image)
        fixed (float* v = variance)
        fixed (int* m = mask)
        {
            for (var k = from; k < to; k += 16)
            {
                Sse.Prefetch1(d + k);
                Sse.Prefetch1(v + k);
                Sse.Prefetch1(m + k);
            }
        }
    }

    /// <summary>Hints the cache to fetch the stamp's rows of the three planes (the next fit's, while this one computes).</summary>
    public static unsafe void Prefetch(float[] image, float[] variance, int[] mask, int width, int x0, int y0, int size)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (float* d = image)
        fixed (float* v = variance)
        fixed (int* m = mask)
        {
            // Every cache line of each row segment: a segment of more than 16 pixels can touch three lines.
            for (var j = 0; j < size; j++)
            {
                var k = ((long)(y0 + j) * width) + x0;
                var last = k + size - 1;
                for (var a = k; a < last; a += 16)
                {
                    Sse.Prefetch0(d + a);
                    Sse.Prefetch0(v + a);
                    Sse.Prefetch0(m + a);
                }

                Sse.Prefetch0(d + last);
                Sse.Prefetch0(v + last);
                Sse.Prefetch0(m + last);
            }
        }
    }

    private static void Check(int psfLength, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int width, int x0, int y0)
    {
        if (size < 1 || psfLength < size * size || x0 < 0 || y0 < 0 || x0 + size > width
            || (long)(y0 + size) * width > image.Length || variance.Length != image.Length || mask.Length != image.Length)
        {
            throw new ArgumentException($"a {size} x {size} stamp at ({x0}, {y0}) does not fit the {width}-wide planes of {image.Length} pixels (psf {psfLength}, variance {variance.Length}, mask {mask.Length})");
        }
    }

    /// <summary>
    /// 1/v: the 12-bit hardware estimate and one Newton step (relative error ~1e-7, as float division) where AVX has
    /// it; a division costs ~4x more and there are two a pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reciprocal(Vector256<float> v)
    {
        if (!Avx.IsSupported)
        {
            return Vector256<float>.One / v;
        }

        var r = Avx.Reciprocal(v);
        return r * (Vector256.Create(2f) - (v * r));
    }

    /// <summary>Lanes of the overlapping tail vector not already covered by whole vectors.</summary>
    private static Vector256<float> TailLanes(int size)
    {
        var covered = Vector256<float>.Count - (size % Vector256<float>.Count);
        return Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(covered)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sum(Vector256<float> v) =>
        Vector256.Sum(Vector256.WidenLower(v)) + Vector256.Sum(Vector256.WidenUpper(v));
}

/// <summary>A stamp's PSF values, read eight at a time along a row by the fused kernels.</summary>
internal interface IStampPsf
{
    /// <summary>How many values the stamp has (size x size).</summary>
    int Length { get; }

    /// <summary>The values of row <paramref name="j"/> at columns i .. i + 7 (i + 8 &lt;= size).</summary>
    Vector256<float> Load(int j, int i);
}

/// <summary>A row-major size x size stamp at an offset in an array of values.</summary>
internal readonly struct StampPsf : IStampPsf
{
    private readonly float[] _values;
    private readonly int _offset;
    private readonly int _size;

    public StampPsf(float[] values, int offset, int size)
    {
        if (offset < 0 || size < 1 || (long)offset + ((long)size * size) > values.Length)
        {
            throw new ArgumentException($"a {size} x {size} stamp at {offset} does not fit {values.Length} values");
        }

        (_values, _offset, _size) = (values, offset, size);
    }

    public int Length => _size * _size;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load(int j, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_values), (nuint)(_offset + (j * _size) + i));
}

/// <summary>
/// A separable stamp, value[j, i] = profiles[yOffset + j] * profiles[xOffset + i]: composed in registers as the kernel
/// reads it, never written out.
/// </summary>
internal readonly struct SeparablePsf : IStampPsf
{
    private readonly float[] _profiles;
    private readonly int _x;
    private readonly int _y;
    private readonly int _size;

    public SeparablePsf(float[] profiles, int xOffset, int yOffset, int size)
    {
        if (xOffset < 0 || yOffset < 0 || size < 1 || Math.Max(xOffset, yOffset) + size > profiles.Length)
        {
            throw new ArgumentException($"profiles of {size} at {xOffset} and {yOffset} do not fit {profiles.Length} values");
        }

        (_profiles, _x, _y, _size) = (profiles, xOffset, yOffset, size);
    }

    public int Length => _size * _size;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load(int j, int i)
    {
        ref var p = ref MemoryMarshal.GetArrayDataReference(_profiles);
        return Vector256.LoadUnsafe(ref p, (nuint)(_x + i)) * Unsafe.Add(ref p, _y + j);
    }
}

/// <summary>One stamp's PSF values, cleaned data and weights, row-major, left by the fused sums for chi^2.</summary>
internal sealed class StampScratch(int size)
{
    public int Length { get; } = size * size;

    public float[] Psf { get; } = new float[size * size];

    public float[] Data { get; } = new float[size * size];

    public float[] Weight { get; } = new float[size * size];
}
