using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Apdb.ForcedPhot;

/// <summary>
/// The SIMD kernels of forced photometry, over contiguous stamp arrays: cleaning (mask, NaN, non-positive variance
/// become zero weight) and the fused sums of a PSF-amplitude fit. A <see cref="Vector{T}"/> path (the hardware's
/// preferred width) with the scalar path always present; the scalar versions are the reference the tests compare
/// against at every length 0-256.
/// </summary>
public static class PsfFitKernels
{
    /// <summary>
    /// Cleans gathered pixels: a pixel is good when its mask has none of <paramref name="badBits"/>, its data is
    /// finite and its variance finite and positive. Bad pixels get data 0, variance 0, inverse variance 0, good 0.
    /// </summary>
    // Vector stores into spans have no ReadyToRun code (./apdb publishes precompiled): without this the method ran at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Clean(ReadOnlySpan<float> data, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int badBits,
        Span<float> cleanData, Span<float> cleanVariance, Span<float> inverseVariance, Span<float> good)
    {
        var n = data.Length;
        if (variance.Length != n || mask.Length != n || cleanData.Length < n || cleanVariance.Length < n || inverseVariance.Length < n || good.Length < n)
        {
            throw new ArgumentException($"Clean needs equal input lengths and outputs at least as long: data {n}, variance {variance.Length}, mask {mask.Length}");
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            ref var d0 = ref MemoryMarshal.GetReference(data);
            ref var v0 = ref MemoryMarshal.GetReference(variance);
            ref var m0 = ref MemoryMarshal.GetReference(mask);
            var bad = new Vector<int>(badBits);
            var one = Vector<float>.One;
            var inf = new Vector<float>(float.PositiveInfinity);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = Vector.LoadUnsafe(ref d0, (nuint)i);
                var v = Vector.LoadUnsafe(ref v0, (nuint)i);
                var m = Vector.LoadUnsafe(ref m0, (nuint)i);
                var ok = Vector.Equals(m & bad, Vector<int>.Zero)
                    & Vector.Equals(d - d, Vector<float>.Zero)
                    & Vector.GreaterThan(v, Vector<float>.Zero)
                    & Vector.LessThan(v, inf);
                Vector.ConditionalSelect(ok, d, Vector<float>.Zero).CopyTo(cleanData[i..]);
                Vector.ConditionalSelect(ok, v, Vector<float>.Zero).CopyTo(cleanVariance[i..]);
                Vector.ConditionalSelect(ok, one / v, Vector<float>.Zero).CopyTo(inverseVariance[i..]);
                (Vector.AsVectorSingle(ok) & one).CopyTo(good[i..]);
            }
        }

        CleanScalar(data[i..], variance[i..], mask[i..], badBits, cleanData[i..], cleanVariance[i..], inverseVariance[i..], good[i..]);
    }

    /// <summary>The scalar reference of <see cref="Clean"/>.</summary>
    public static void CleanScalar(ReadOnlySpan<float> data, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int badBits,
        Span<float> cleanData, Span<float> cleanVariance, Span<float> inverseVariance, Span<float> good)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var d = data[i];
            var v = variance[i];
            var ok = (mask[i] & badBits) == 0 && float.IsFinite(d) && v > 0 && float.IsFinite(v);
            cleanData[i] = ok ? d : 0f;
            cleanVariance[i] = ok ? v : 0f;
            inverseVariance[i] = ok ? 1f / v : 0f;
            good[i] = ok ? 1f : 0f;
        }
    }

    /// <summary>The fused sums of a fit over cleaned pixels (see <see cref="PsfFitSums"/>).</summary>
    public static PsfFitSums Sums(ReadOnlySpan<float> psf, ReadOnlySpan<float> data, ReadOnlySpan<float> variance, ReadOnlySpan<float> inverseVariance, ReadOnlySpan<float> good)
    {
        var n = psf.Length;
        if (data.Length != n || variance.Length != n || inverseVariance.Length != n || good.Length != n)
        {
            throw new ArgumentException($"Sums needs equal lengths: psf {n}, data {data.Length}, variance {variance.Length}, inverseVariance {inverseVariance.Length}, good {good.Length}");
        }

        var i = 0;
        double pd = 0, pp = 0, ppv = 0, pdw = 0, ppw = 0, g = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            ref var p0 = ref MemoryMarshal.GetReference(psf);
            ref var d0 = ref MemoryMarshal.GetReference(data);
            ref var v0 = ref MemoryMarshal.GetReference(variance);
            ref var w0 = ref MemoryMarshal.GetReference(inverseVariance);
            ref var g0 = ref MemoryMarshal.GetReference(good);
            Vector<float> apd = default, app = default, appv = default, apdw = default, appw = default, ag = default;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref p0, (nuint)i);
                var d = Vector.LoadUnsafe(ref d0, (nuint)i);
                var v = Vector.LoadUnsafe(ref v0, (nuint)i);
                var w = Vector.LoadUnsafe(ref w0, (nuint)i);
                var gg = Vector.LoadUnsafe(ref g0, (nuint)i);
                var pdv = p * d;
                var p2 = p * p;
                apd += pdv;
                app += p2 * gg;
                appv += p2 * v;
                apdw += pdv * w;
                appw += p2 * w;
                ag += gg;
            }

            pd = Sum(apd);
            pp = Sum(app);
            ppv = Sum(appv);
            pdw = Sum(apdw);
            ppw = Sum(appw);
            g = Sum(ag);
        }

        var tail = SumsScalar(psf[i..], data[i..], variance[i..], inverseVariance[i..], good[i..]);
        return new PsfFitSums(pd + tail.PsfData, pp + tail.PsfPsf, ppv + tail.PsfPsfVariance, pdw + tail.PsfDataWeighted, ppw + tail.PsfPsfWeighted, g + tail.Good);
    }

    /// <summary>The scalar reference of <see cref="Sums"/>.</summary>
    public static PsfFitSums SumsScalar(ReadOnlySpan<float> psf, ReadOnlySpan<float> data, ReadOnlySpan<float> variance, ReadOnlySpan<float> inverseVariance, ReadOnlySpan<float> good)
    {
        double pd = 0, pp = 0, ppv = 0, pdw = 0, ppw = 0, g = 0;
        for (var i = 0; i < psf.Length; i++)
        {
            double p = psf[i];
            pd += p * data[i];
            pp += p * p * good[i];
            ppv += p * p * variance[i];
            pdw += p * data[i] * inverseVariance[i];
            ppw += p * p * inverseVariance[i];
            g += good[i];
        }

        return new PsfFitSums(pd, pp, ppv, pdw, ppw, g);
    }

    /// <summary>chi^2 = sum (D - a P)^2 / V over cleaned pixels (bad pixels have zero inverse variance).</summary>
    public static double Chi2(ReadOnlySpan<float> psf, ReadOnlySpan<float> data, ReadOnlySpan<float> inverseVariance, float amplitude)
    {
        var n = psf.Length;
        if (data.Length != n || inverseVariance.Length != n)
        {
            throw new ArgumentException($"Chi2 needs equal lengths: psf {n}, data {data.Length}, inverseVariance {inverseVariance.Length}");
        }

        var i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            ref var p0 = ref MemoryMarshal.GetReference(psf);
            ref var d0 = ref MemoryMarshal.GetReference(data);
            ref var w0 = ref MemoryMarshal.GetReference(inverseVariance);
            var a = new Vector<float>(amplitude);
            Vector<float> acc = default;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var r = Vector.LoadUnsafe(ref d0, (nuint)i) - (a * Vector.LoadUnsafe(ref p0, (nuint)i));
                acc += r * r * Vector.LoadUnsafe(ref w0, (nuint)i);
            }

            sum = Sum(acc);
        }

        return sum + Chi2Scalar(psf[i..], data[i..], inverseVariance[i..], amplitude);
    }

    /// <summary>The scalar reference of <see cref="Chi2"/>.</summary>
    public static double Chi2Scalar(ReadOnlySpan<float> psf, ReadOnlySpan<float> data, ReadOnlySpan<float> inverseVariance, float amplitude)
    {
        double sum = 0;
        for (var i = 0; i < psf.Length; i++)
        {
            double r = data[i] - (amplitude * psf[i]);
            sum += r * r * inverseVariance[i];
        }

        return sum;
    }

    /// <summary>
    /// The lanes' sum in double, four lanes at a time in lane order, the quartets then added in turn: the same additions,
    /// in the same order, whatever the vector's width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sum(Vector<float> v)
    {
        var total = (double)v[0] + v[1] + v[2] + v[3];
        for (var j = 4; j < Vector<float>.Count; j += 4)
        {
            total += (double)v[j] + v[j + 1] + v[j + 2] + v[j + 3];
        }

        return total;
    }
}
