using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Apdb.ForcedPhot;

/// <summary>
/// The fused fit kernels for stamps wholly inside the image: they read the image, variance and mask planes in place
/// (no gather, no cleaned copies), decide per pixel whether it is good (no bad mask bit, finite data, finite positive
/// variance) and accumulate every sum a fit needs in one pass of Vector256 FMA-able products per stamp row; chi^2 is a
/// second pass over the same rows, now in L1. A stamp row of 2h+1 pixels is whole vectors plus one vector overlapping
/// the previous one with its repeated lanes masked off. The scalar versions are the reference the tests compare
/// against; <see cref="PsfFitKernels"/> (gather + clean + sums) remains the path for stamps at the edges.
/// </summary>
internal static class StampKernels
{
    /// <summary>Whether the vector path applies to stamps of this side.</summary>
    public static bool Vectorized(int size) => Vector256.IsHardwareAccelerated && size >= Vector256<float>.Count;

    /// <summary>
    /// Sums over the stamp whose top-left pixel is (x0, y0): <paramref name="psf"/> is size x size row-major; the planes
    /// are row-major with <paramref name="width"/> columns; the stamp must lie inside them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PsfFitSums Sums(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits)
    {
        Check(psf, size, image, variance, mask, width, x0, y0);
        if (!Vectorized(size))
        {
            return SumsScalar(psf, size, image, variance, mask, width, x0, y0, badBits);
        }

        ref var p0 = ref MemoryMarshal.GetReference(psf);
        ref var d0 = ref MemoryMarshal.GetReference(image);
        ref var v0 = ref MemoryMarshal.GetReference(variance);
        ref var m0 = ref MemoryMarshal.GetReference(mask);
        var bad = Vector256.Create(badBits);
        var one = Vector256.Create(1f);
        var inf = Vector256.Create(float.PositiveInfinity);
        var tailOffset = size - Vector256<float>.Count;
        var tailLanes = TailLanes(size);
        var full = size / Vector256<float>.Count * Vector256<float>.Count;
        Vector256<float> apd = default, app = default, appv = default, apdw = default, appw = default, ag = default;
        for (var j = 0; j < size; j++)
        {
            var row = ((y0 + j) * width) + x0;
            var prow = j * size;
            for (var i = 0; i <= size - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var k = (nuint)(row + i);
                var p = Vector256.LoadUnsafe(ref p0, (nuint)(prow + i));
                var d = Vector256.LoadUnsafe(ref d0, k);
                var v = Vector256.LoadUnsafe(ref v0, k);
                var ok = Vector256.Equals(Vector256.LoadUnsafe(ref m0, k) & bad, Vector256<int>.Zero).AsSingle()
                    & Vector256.Equals(d - d, Vector256<float>.Zero) & Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.LessThan(v, inf);
                var dd = d & ok;
                var vv = v & ok;
                var w = Reciprocal(v) & ok;
                var g = one & ok;
                var pd = p * dd;
                var pp = p * p;
                apd += pd;
                app += pp * g;
                appv += pp * vv;
                apdw += pd * w;
                appw += pp * w;
                ag += g;
            }

            if (full < size)
            {
                var k = (nuint)(row + tailOffset);
                var p = Vector256.LoadUnsafe(ref p0, (nuint)(prow + tailOffset));
                var d = Vector256.LoadUnsafe(ref d0, k);
                var v = Vector256.LoadUnsafe(ref v0, k);
                var ok = tailLanes & Vector256.Equals(Vector256.LoadUnsafe(ref m0, k) & bad, Vector256<int>.Zero).AsSingle()
                    & Vector256.Equals(d - d, Vector256<float>.Zero) & Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.LessThan(v, inf);
                var dd = d & ok;
                var vv = v & ok;
                var w = Reciprocal(v) & ok;
                var g = one & ok;
                var pp = p * p;
                var pd = p * dd;
                apd += pd;
                app += pp * g;
                appv += pp * vv;
                apdw += pd * w;
                appw += pp * w;
                ag += g;
            }
        }

        return new PsfFitSums(Sum(apd), Sum(app), Sum(appv), Sum(apdw), Sum(appw), Sum(ag));
    }

    /// <summary>chi^2 = sum over good pixels of (D - a P)^2 / V over the stamp at (x0, y0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Chi2(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits, float amplitude)
    {
        Check(psf, size, image, variance, mask, width, x0, y0);
        if (!Vectorized(size))
        {
            return Chi2Scalar(psf, size, image, variance, mask, width, x0, y0, badBits, amplitude);
        }

        ref var p0 = ref MemoryMarshal.GetReference(psf);
        ref var d0 = ref MemoryMarshal.GetReference(image);
        ref var v0 = ref MemoryMarshal.GetReference(variance);
        ref var m0 = ref MemoryMarshal.GetReference(mask);
        var bad = Vector256.Create(badBits);
        var inf = Vector256.Create(float.PositiveInfinity);
        var a = Vector256.Create(amplitude);
        var tailOffset = size - Vector256<float>.Count;
        var tailLanes = TailLanes(size);
        var full = size / Vector256<float>.Count * Vector256<float>.Count;
        Vector256<float> acc = default;
        for (var j = 0; j < size; j++)
        {
            var row = ((y0 + j) * width) + x0;
            var prow = j * size;
            for (var i = 0; i <= size - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var k = (nuint)(row + i);
                acc += Term(Vector256.LoadUnsafe(ref p0, (nuint)(prow + i)), Vector256.LoadUnsafe(ref d0, k), Vector256.LoadUnsafe(ref v0, k), Vector256.LoadUnsafe(ref m0, k), Vector256<float>.AllBitsSet);
            }

            if (full < size)
            {
                var k = (nuint)(row + tailOffset);
                acc += Term(Vector256.LoadUnsafe(ref p0, (nuint)(prow + tailOffset)), Vector256.LoadUnsafe(ref d0, k), Vector256.LoadUnsafe(ref v0, k), Vector256.LoadUnsafe(ref m0, k), tailLanes);
            }
        }

        return Sum(acc);

        Vector256<float> Term(Vector256<float> p, Vector256<float> d, Vector256<float> v, Vector256<int> m, Vector256<float> lanes)
        {
            var ok = lanes & Vector256.Equals(m & bad, Vector256<int>.Zero).AsSingle()
                & Vector256.Equals(d - d, Vector256<float>.Zero) & Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.LessThan(v, inf);
            var r = d - (a * p);
            return (r * r * Reciprocal(v)) & ok;
        }
    }

    /// <summary>The scalar reference of <see cref="Sums"/>.</summary>
    public static PsfFitSums SumsScalar(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits)
    {
        double pd = 0, pp = 0, ppv = 0, pdw = 0, ppw = 0, g = 0;
        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                var k = ((y0 + j) * width) + x0 + i;
                float d = image[k], v = variance[k];
                if ((mask[k] & badBits) != 0 || !float.IsFinite(d) || !(v > 0) || !float.IsFinite(v))
                {
                    continue;
                }

                double p = psf[(j * size) + i];
                pd += p * d;
                pp += p * p;
                ppv += p * p * v;
                pdw += p * d / v;
                ppw += p * p / v;
                g++;
            }
        }

        return new PsfFitSums(pd, pp, ppv, pdw, ppw, g);
    }

    /// <summary>The scalar reference of <see cref="Chi2"/>.</summary>
    public static double Chi2Scalar(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask,
        int width, int x0, int y0, int badBits, float amplitude)
    {
        double sum = 0;
        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                var k = ((y0 + j) * width) + x0 + i;
                float d = image[k], v = variance[k];
                if ((mask[k] & badBits) != 0 || !float.IsFinite(d) || !(v > 0) || !float.IsFinite(v))
                {
                    continue;
                }

                double r = d - (amplitude * psf[(j * size) + i]);
                sum += r * r / v;
            }
        }

        return sum;
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
            for (var j = 0; j < size; j++)
            {
                var k = ((long)(y0 + j) * width) + x0;
                var last = k + size - 1;
                Sse.Prefetch0(d + k);
                Sse.Prefetch0(d + last);
                Sse.Prefetch0(v + k);
                Sse.Prefetch0(v + last);
                Sse.Prefetch0(m + k);
                Sse.Prefetch0(m + last);
            }
        }
    }

    private static void Check(ReadOnlySpan<float> psf, int size, ReadOnlySpan<float> image, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int width, int x0, int y0)
    {
        if (size < 1 || psf.Length < size * size || x0 < 0 || y0 < 0 || x0 + size > width
            || (long)(y0 + size) * width > image.Length || variance.Length != image.Length || mask.Length != image.Length)
        {
            throw new ArgumentException($"a {size} x {size} stamp at ({x0}, {y0}) does not fit the {width}-wide planes of {image.Length} pixels (psf {psf.Length}, variance {variance.Length}, mask {mask.Length})");
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
    private static double Sum(Vector256<float> v) =>
        Vector256.Sum(Vector256.WidenLower(v)) + Vector256.Sum(Vector256.WidenUpper(v));
}
