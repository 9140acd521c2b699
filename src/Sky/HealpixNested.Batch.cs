using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Apdb.Sky;

public static partial class HealpixNested
{
    // Bound on |fast z - libm cos(theta)|: the polynomial, the argument reduction and libm's own error are each
    // below ~3e-16; this leaves more than an order of magnitude of margin (checked by a test on 1e6 points).
    internal const double FastZErrorBound = 1e-14;

    // pi/2 split in two doubles (Cody-Waite) so that pi/2 - theta is formed without losing bits.
    private const double PiOver2Hi = 1.5707963267948966;
    private const double PiOver2Lo = 6.123233995736766e-17;

    // 2^52: adding it to a non-negative integral double below 2^52 leaves the integer in the low mantissa bits.
    private const double TwoPow52 = 4503599627370496.0;

    /// <summary>
    /// Hashes many positions at once; <c>ids[i] = Hash(depth, raDeg[i], decDeg[i])</c>, bit for bit.
    /// </summary>
    /// <remarks>
    /// The vector path evaluates cos(theta) with a polynomial instead of libm and then checks that the pixel
    /// does not change anywhere in [z - e, z + e], e a proven bound on the polynomial's error; every pixel
    /// index is a monotone function of z, so agreement at both ends proves agreement with libm's z. Points that
    /// fail the check (about 1 in 10^4 near the caps, fewer elsewhere) and all points with |z| near 0.99 or
    /// outside the plain ra range are recomputed on the exact scalar path. Inputs are validated in the same pass;
    /// on error <paramref name="ids"/> is left partly written.
    /// </remarks>
    /// <exception cref="ArgumentException">The three spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29], or some coordinate is NaN, infinite or |dec| &gt; 90 (the message gives the first index).</exception>
    public static void Hash(int depth, ReadOnlySpan<double> raDeg, ReadOnlySpan<double> decDeg, Span<long> ids)
    {
        Preconditions.Depth(depth);
        Preconditions.SameLength(raDeg.Length, decDeg.Length, nameof(raDeg), nameof(decDeg));
        Preconditions.SameLength(raDeg.Length, ids.Length, nameof(raDeg), nameof(ids));

        var bad = Vector256.IsHardwareAccelerated
            ? HashVector256(depth, raDeg, decDeg, ids)
            : HashScalar(depth, raDeg, decDeg, ids, 0);
        if (bad)
        {
            Preconditions.ThrowFirstInvalidCoordinate(raDeg, decDeg);
        }
    }

    /// <summary>The scalar reference for the batch kernel, from index <paramref name="start"/>; returns whether any input was invalid.</summary>
    internal static bool HashScalar(int depth, ReadOnlySpan<double> raDeg, ReadOnlySpan<double> decDeg, Span<long> ids, int start)
    {
        var bad = false;
        for (var i = start; i < raDeg.Length; i++)
        {
            var ra = raDeg[i];
            var dec = decDeg[i];
            if (!double.IsFinite(ra) || !(Math.Abs(dec) <= 90.0))
            {
                bad = true;
                ids[i] = -1;
                continue;
            }

            ids[i] = HashUnchecked(depth, ra, dec);
        }

        return bad;
    }

    private static bool HashVector256(int depth, ReadOnlySpan<double> raDeg, ReadOnlySpan<double> decDeg, Span<long> ids)
    {
        var n = raDeg.Length;
        ref var raRef = ref MemoryMarshal.GetReference(raDeg);
        ref var decRef = ref MemoryMarshal.GetReference(decDeg);
        ref var idRef = ref MemoryMarshal.GetReference(ids);

        long nsideL = 1L << depth;
        var nside = Vector256.Create((double)nsideL);
        var nsideM1 = Vector256.Create(nsideL - 1);
        var nsideM1D = Vector256.Create((double)(nsideL - 1));
        var invalid = Vector256<long>.Zero;

        var i = 0;
        for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var ra = Vector256.LoadUnsafe(ref raRef, (nuint)i);
            var dec = Vector256.LoadUnsafe(ref decRef, (nuint)i);

            // Same operations as the scalar path, so theta and phi are bitwise the same.
            var theta = Vector256.Create(HalfPi) - dec * DegToRad;
            var phi = ra * DegToRad;

            var inputOk = Vector256.LessThanOrEqual(Vector256.Abs(dec), Vector256.Create(90.0))
                & Vector256.LessThanOrEqual(Vector256.Abs(ra), Vector256.Create(double.MaxValue));
            invalid |= ~inputOk.AsInt64();

            // Lanes with phi outside [0, 2 pi) need healpix_cxx's fmodulo; the scalar path does that.
            var laneOk = inputOk
                & Vector256.GreaterThanOrEqual(phi, Vector256<double>.Zero)
                & Vector256.LessThan(phi, Vector256.Create(TwoPi));

            var tt = phi * InvHalfPi;
            tt = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(tt, Vector256.Create(4.0)), tt - Vector256.Create(4.0), tt);

            var z = SinPolynomial((Vector256.Create(PiOver2Hi) - theta) + Vector256.Create(PiOver2Lo));
            var bound = Vector256.Create(FastZErrorBound);
            var zLo = z - bound;
            var zHi = z + bound;

            // Equatorial belt, |z| <= 2/3.
            var temp1 = nside * (Vector256.Create(0.5) + tt);
            var temp2Lo = nside * (zLo * 0.75);
            var temp2Hi = nside * (zHi * 0.75);
            var jpEq = Vector256.Floor(temp1 - temp2Lo);
            var jmEq = Vector256.Floor(temp1 + temp2Lo);
            var eqOk = Vector256.Equals(jpEq, Vector256.Floor(temp1 - temp2Hi))
                & Vector256.Equals(jmEq, Vector256.Floor(temp1 + temp2Hi))
                & Vector256.LessThanOrEqual(Vector256.Abs(zLo), Vector256.Create(TwoThird))
                & Vector256.LessThanOrEqual(Vector256.Abs(zHi), Vector256.Create(TwoThird));

            // Polar caps away from the poles, 2/3 < |z| < 0.99 (nearer the poles healpy switches to sin(theta)).
            var za = Vector256.Abs(z);
            var zaLo = za - bound;
            var zaHi = za + bound;
            var ntt = Vector256.Min(Vector256.Floor(tt), Vector256.Create(3.0));
            var tp = tt - ntt;
            var tmpLo = nside * Vector256.Sqrt(Vector256.Create(3.0) * (Vector256<double>.One - zaLo));
            var tmpHi = nside * Vector256.Sqrt(Vector256.Create(3.0) * (Vector256<double>.One - zaHi));
            var oneMinusTp = Vector256<double>.One - tp;
            var jpPol = Vector256.Floor(tp * tmpLo);
            var jmPol = Vector256.Floor(oneMinusTp * tmpLo);
            var polOk = Vector256.Equals(jpPol, Vector256.Floor(tp * tmpHi))
                & Vector256.Equals(jmPol, Vector256.Floor(oneMinusTp * tmpHi))
                & Vector256.GreaterThan(zaLo, Vector256.Create(TwoThird))
                & Vector256.LessThan(zaHi, Vector256.Create(0.99));
            jpPol = Vector256.Min(jpPol, nsideM1D);
            jmPol = Vector256.Min(jmPol, nsideM1D);

            // Equatorial: face from the edge-line indices.
            var jp = ToInt64(jpEq);
            var jm = ToInt64(jmEq);
            var ifp = Vector256.ShiftRightArithmetic(jp, depth);
            var ifm = Vector256.ShiftRightArithmetic(jm, depth);
            var faceEq = Vector256.ConditionalSelect(
                Vector256.Equals(ifp, ifm),
                ifp | Vector256.Create(4L),
                Vector256.ConditionalSelect(Vector256.LessThan(ifp, ifm), ifp, ifm + Vector256.Create(8L)));
            var ixEq = jm & nsideM1;
            var iyEq = nsideM1 - (jp & nsideM1);

            // Polar: north cap mirrors the indices.
            var jpP = ToInt64(jpPol);
            var jmP = ToInt64(jmPol);
            var nttL = ToInt64(ntt);
            var north = Vector256.GreaterThanOrEqual(z, Vector256<double>.Zero).AsInt64();
            var ixPol = Vector256.ConditionalSelect(north, nsideM1 - jmP, jpP);
            var iyPol = Vector256.ConditionalSelect(north, nsideM1 - jpP, jmP);
            var facePol = Vector256.ConditionalSelect(north, nttL, nttL + Vector256.Create(8L));

            var equatorial = Vector256.LessThanOrEqual(za, Vector256.Create(TwoThird)).AsInt64();
            var ix = Vector256.ConditionalSelect(equatorial, ixEq, ixPol);
            var iy = Vector256.ConditionalSelect(equatorial, iyEq, iyPol);
            var face = Vector256.ConditionalSelect(equatorial, faceEq, facePol);
            var ok = laneOk.AsInt64() & Vector256.ConditionalSelect(equatorial, eqOk.AsInt64(), polOk.AsInt64());

            var id = Vector256.ShiftLeft(face, 2 * depth) + Spread(ix) + Vector256.ShiftLeft(Spread(iy), 1);
            id.StoreUnsafe(ref idRef, (nuint)i);

            var okBits = ok.ExtractMostSignificantBits();
            if (okBits != 0b1111)
            {
                FixLanes(depth, ref raRef, ref decRef, ref idRef, i, okBits);
            }
        }

        var bad = invalid != Vector256<long>.Zero;
        return HashScalar(depth, raDeg, decDeg, ids, i) | bad;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FixLanes(int depth, ref double raRef, ref double decRef, ref long idRef, int i, uint okBits)
    {
        for (var lane = 0; lane < Vector256<double>.Count; lane++)
        {
            if ((okBits & (1u << lane)) != 0)
            {
                continue;
            }

            var ra = Unsafe.Add(ref raRef, i + lane);
            var dec = Unsafe.Add(ref decRef, i + lane);
            Unsafe.Add(ref idRef, i + lane) = double.IsFinite(ra) && Math.Abs(dec) <= 90.0
                ? HashUnchecked(depth, ra, dec)
                : -1;
        }
    }

    /// <summary>sin(s) for |s| &lt;= pi/2 by its Taylor series to s^23 (truncation error below 1e-20).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> SinPolynomial(Vector256<double> s)
    {
        var s2 = s * s;
        var p = Vector256.Create(-1.0 / 25852016738884976640000.0);
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(1.0 / 51090942171709440000.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(-1.0 / 121645100408832000.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(1.0 / 355687428096000.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(-1.0 / 1307674368000.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(1.0 / 6227020800.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(-1.0 / 39916800.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(1.0 / 362880.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(-1.0 / 5040.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(1.0 / 120.0));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(-1.0 / 6.0));
        return Vector256.MultiplyAddEstimate(p * s2, s, s);
    }

    /// <summary>Non-negative integral doubles below 2^52 to longs, without AVX-512's conversion instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> ToInt64(Vector256<double> integral)
    {
        var magic = Vector256.Create(TwoPow52);
        return (integral + magic).AsInt64() - magic.AsInt64();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Spread(Vector256<long> v)
    {
        v = (v | Vector256.ShiftLeft(v, 16)) & Vector256.Create(0x0000FFFF0000FFFFL);
        v = (v | Vector256.ShiftLeft(v, 8)) & Vector256.Create(0x00FF00FF00FF00FFL);
        v = (v | Vector256.ShiftLeft(v, 4)) & Vector256.Create(0x0F0F0F0F0F0F0F0FL);
        v = (v | Vector256.ShiftLeft(v, 2)) & Vector256.Create(0x3333333333333333L);
        return (v | Vector256.ShiftLeft(v, 1)) & Vector256.Create(0x5555555555555555L);
    }
}
