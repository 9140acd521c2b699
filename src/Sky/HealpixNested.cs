using System.Diagnostics.Contracts;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// HEALPix (Gorski et al. 2005) in the NESTED scheme, depth (order) 0 to 29, N_side = 2^depth.
/// <para>
/// Position-to-pixel follows healpy's floating-point path operation by operation (healpy.ang2pix with
/// nest=True, lonlat=True: theta = pi/2 - radians(dec), phi = radians(ra), normalised, then healpix_cxx
/// loc2pix on z = cos(theta)), so that points on or next to a pixel boundary land in the same pixel as in
/// healpy, not merely a neighbouring one.
/// </para>
/// </summary>
public static partial class HealpixNested
{
    /// <summary>The deepest supported depth; ids at this depth fill 62 bits of a <see cref="long"/>.</summary>
    public const int MaxDepth = 29;

    // The constants are the doubles healpy and healpix_cxx use: np.pi / 2.0, np.radians' pi / 180,
    // healpix_cxx's twopi, inv_halfpi and twothird.
    internal const double HalfPi = Math.PI / 2.0;
    internal const double DegToRad = Math.PI / 180.0;
    internal const double RadToDeg = 180.0 / Math.PI;
    internal const double TwoPi = 2.0 * Math.PI;
    internal const double InvHalfPi = 0.6366197723675813430755350534900574;
    internal const double TwoThird = 2.0 / 3.0;
    private const double PolarSinThreshold = 0.01;
    private const double SouthSinThreshold = 3.14159 - 0.01;

    /// <summary>The number of pixels at a depth: 12 * 4^depth.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public static long PixelCount(int depth)
    {
        Preconditions.Depth(depth);
        return 12L << (2 * depth);
    }

    /// <summary>
    /// The pixel containing (ra, dec) in degrees; identical to
    /// <c>healpy.ang2pix(2**depth, ra, dec, nest=True, lonlat=True)</c> for every finite ra (any range) and dec in [-90, 90].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29], a coordinate is NaN or infinite, or |dec| &gt; 90.</exception>
    [Pure]
    public static long Hash(int depth, double raDeg, double decDeg)
    {
        Preconditions.Depth(depth);
        Preconditions.Finite(raDeg, "ra");
        Preconditions.Declination(decDeg, "dec");
        return HashUnchecked(depth, raDeg, decDeg);
    }

    /// <summary>The pixel containing a position; see <see cref="Hash(int, double, double)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public static long Hash(int depth, SkyPosition p)
    {
        Preconditions.Depth(depth);
        return HashUnchecked(depth, p.RaDeg, p.DecDeg);
    }

    /// <summary>
    /// The pixel containing a direction; identical to <c>healpy.vec2pix(2**depth, x, y, z, nest=True)</c>.
    /// The vector need not be normalised. Because healpy's vector and angle paths round differently, a point
    /// within an ulp of a pixel edge may hash differently here than through <see cref="SkyPosition"/>, exactly as in healpy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29] or the vector is zero or not finite.</exception>
    [Pure]
    public static long Hash(int depth, UnitVector v)
    {
        Preconditions.Depth(depth);
        var length = v.Length;
        if (!(length > 0.0) || !double.IsFinite(length))
        {
            Preconditions.ThrowOutOfRange(nameof(v), $"v = {v} has no direction");
        }

        var xl = 1.0 / length;
        var phi = (v.X == 0.0 && v.Y == 0.0) ? 0.0 : Math.Atan2(v.Y, v.X);
        var nz = v.Z * xl;
        return Math.Abs(nz) > 0.99
            ? Loc2Pix(depth, nz, phi, Math.Sqrt(v.X * v.X + v.Y * v.Y) * xl, true)
            : Loc2Pix(depth, nz, phi, 0.0, false);
    }

    /// <summary>The depth-29 id of the first depth-29 pixel inside <paramref name="id"/> (a left shift by 2 per level).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29] or the id outside the depth's range.</exception>
    [Pure]
    public static long ToDepth29(int depth, long id)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        return id << (2 * (MaxDepth - depth));
    }

    /// <summary>The pixel at <paramref name="depth"/> that contains the depth-29 pixel <paramref name="idAtDepth29"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29] or the id outside the depth-29 range.</exception>
    [Pure]
    public static long FromDepth29(int depth, long idAtDepth29)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(MaxDepth, idAtDepth29, nameof(idAtDepth29));
        return idAtDepth29 >> (2 * (MaxDepth - depth));
    }

    /// <summary>The ancestor (or the pixel itself) of <paramref name="id"/> at a coarser or equal depth.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A depth is out of range, <paramref name="toDepth"/> is deeper, or the id is out of range.</exception>
    [Pure]
    public static long Parent(int depth, long id, int toDepth)
    {
        Preconditions.Depth(depth);
        Preconditions.Depth(toDepth, nameof(toDepth));
        Preconditions.PixelId(depth, id);
        if (toDepth > depth)
        {
            Preconditions.ThrowOutOfRange(nameof(toDepth), $"toDepth = {toDepth} is deeper than depth = {depth}");
        }

        return id >> (2 * (depth - toDepth));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long HashUnchecked(int depth, double raDeg, double decDeg)
    {
        // healpy: theta, phi = pi/2 - radians(lat), radians(lon); then pointing::normalize(), then ang2pix.
        // theta is already in [0, pi] for |dec| <= 90, so only phi needs normalising.
        var theta = HalfPi - decDeg * DegToRad;
        var phi = FModulo(raDeg * DegToRad, TwoPi);
        var z = Math.Cos(theta);
        return (theta < PolarSinThreshold || theta > SouthSinThreshold)
            ? Loc2Pix(depth, z, phi, Math.Sin(theta), true)
            : Loc2Pix(depth, z, phi, 0.0, false);
    }

    /// <summary>healpix_cxx fmodulo: a non-negative remainder, with the rounding quirks kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double FModulo(double v1, double v2)
    {
        if (v1 >= 0.0)
        {
            return v1 < v2 ? v1 : v1 % v2;
        }

        var tmp = v1 % v2 + v2;
        return tmp == v2 ? 0.0 : tmp;
    }

    /// <summary>healpix_cxx T_Healpix_Base::loc2pix for the NESTED scheme.</summary>
    internal static long Loc2Pix(int depth, double z, double phi, double sth, bool haveSth)
    {
        long nside = 1L << depth;
        var za = Math.Abs(z);
        var tt = FModulo(phi * InvHalfPi, 4.0);

        if (za <= TwoThird)
        {
            var temp1 = nside * (0.5 + tt);
            var temp2 = nside * (z * 0.75);
            var jp = (long)(temp1 - temp2);
            var jm = (long)(temp1 + temp2);
            var ifp = jp >> depth;
            var ifm = jm >> depth;
            var face = ifp == ifm ? (ifp | 4) : (ifp < ifm ? ifp : ifm + 8);
            var ix = jm & (nside - 1);
            var iy = nside - (jp & (nside - 1)) - 1;
            return XyfToNest(depth, ix, iy, face);
        }
        else
        {
            var ntt = Math.Min(3, (int)tt);
            var tp = tt - ntt;
            var tmp = (za < 0.99 || !haveSth)
                ? nside * Math.Sqrt(3 * (1 - za))
                : nside * sth / Math.Sqrt((1.0 + za) / 3.0);
            var jp = Math.Min((long)(tp * tmp), nside - 1);
            var jm = Math.Min((long)((1.0 - tp) * tmp), nside - 1);
            return z >= 0
                ? XyfToNest(depth, nside - jm - 1, nside - jp - 1, ntt)
                : XyfToNest(depth, jp, jm, ntt + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long XyfToNest(int depth, long ix, long iy, long face) =>
        (face << (2 * depth)) + SpreadBits(ix) + (SpreadBits(iy) << 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void NestToXyf(int depth, long id, out int ix, out int iy, out int face)
    {
        face = (int)(id >> (2 * depth));
        var local = id & ((1L << (2 * depth)) - 1);
        ix = (int)CompressBits(local);
        iy = (int)CompressBits(local >> 1);
    }

    /// <summary>Moves bit k of a 32-bit value to bit 2k (Morton interleave, one coordinate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long SpreadBits(long v)
    {
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        return (v | (v << 1)) & 0x5555555555555555L;
    }

    /// <summary>The inverse of <see cref="SpreadBits"/>: gathers the even bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long CompressBits(long v)
    {
        v &= 0x5555555555555555L;
        v = (v | (v >> 1)) & 0x3333333333333333L;
        v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >> 8)) & 0x0000FFFF0000FFFFL;
        return (v | (v >> 16)) & 0x00000000FFFFFFFFL;
    }
}
