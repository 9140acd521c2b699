using System.Diagnostics.Contracts;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

public static partial class HealpixNested
{
    // Face layout (healpix_cxx jrll/jpll): ring index and longitude index of each base pixel's south-most corner.
    private static ReadOnlySpan<byte> Jrll => [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];

    private static ReadOnlySpan<byte> Jpll => [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

    // Neighbour walk tables (healpix_cxx nb_xoffset, nb_yoffset, nb_facearray, nb_swaparray).
    private static ReadOnlySpan<sbyte> NeighbourXOffset => [-1, -1, 0, 1, 1, 1, 0, -1];

    private static ReadOnlySpan<sbyte> NeighbourYOffset => [0, 1, 1, 1, 0, -1, -1, -1];

    private static ReadOnlySpan<sbyte> NeighbourFace =>
    [
        8, 9, 10, 11, -1, -1, -1, -1, 10, 11, 8, 9,   // S
        5, 6, 7, 4, 8, 9, 10, 11, 9, 10, 11, 8,       // SE
        -1, -1, -1, -1, 5, 6, 7, 4, -1, -1, -1, -1,   // E
        4, 5, 6, 7, 11, 8, 9, 10, 11, 8, 9, 10,       // SW
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,         // centre
        1, 2, 3, 0, 0, 1, 2, 3, 5, 6, 7, 4,           // NE
        -1, -1, -1, -1, 7, 4, 5, 6, -1, -1, -1, -1,   // W
        3, 0, 1, 2, 3, 0, 1, 2, 4, 5, 6, 7,           // NW
        2, 3, 0, 1, -1, -1, -1, -1, 0, 1, 2, 3,       // N
    ];

    private static ReadOnlySpan<byte> NeighbourSwap =>
    [
        0, 0, 3,   // S
        0, 0, 6,   // SE
        0, 0, 0,   // E
        0, 0, 5,   // SW
        0, 0, 0,   // centre
        5, 0, 0,   // NE
        0, 0, 0,   // W
        6, 0, 0,   // NW
        3, 0, 0,   // N
    ];

    /// <summary>
    /// The centre of a pixel; equal (to about 1e-12 deg) to <c>healpy.pix2ang(2**depth, id, nest=True, lonlat=True)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    [Pure]
    public static SkyPosition Center(int depth, long id)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        PixToLoc(depth, id, out var z, out var phi, out var sth, out var haveSth);
        var theta = haveSth ? Math.Atan2(sth, z) : Math.Acos(z);
        var lat = 90.0 - theta * RadToDeg;
        return SkyPosition.FromDegrees(phi * RadToDeg, Math.Clamp(lat, -90.0, 90.0));
    }

    /// <summary>The centre of a pixel as a unit vector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    [Pure]
    public static UnitVector CenterVector(int depth, long id)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        return CenterVectorUnchecked(depth, id);
    }

    /// <summary>
    /// The four vertices of a pixel in the order North, West, South, East: the order of
    /// <c>healpy.boundaries(2**depth, id, step=1, nest=True)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    [Pure]
    public static SkyPosition[] Corners(int depth, long id)
    {
        var vectors = CornerVectors(depth, id);
        var result = new SkyPosition[4];
        for (var k = 0; k < 4; k++)
        {
            result[k] = SkyPosition.FromUnitVector(vectors[k]);
        }

        return result;
    }

    /// <summary>The four vertices as unit vectors, in the order of <see cref="Corners"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    [Pure]
    public static UnitVector[] CornerVectors(int depth, long id)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        NestToXyf(depth, id, out var ix, out var iy, out var face);
        double nside = 1L << depth;
        var dc = 0.5 / nside;
        var xc = (ix + 0.5) / nside;
        var yc = (iy + 0.5) / nside;
        return
        [
            XyfToVector(xc + dc, yc + dc, face),
            XyfToVector(xc - dc, yc + dc, face),
            XyfToVector(xc - dc, yc - dc, face),
            XyfToVector(xc + dc, yc - dc, face),
        ];
    }

    /// <summary>
    /// The eight neighbours of a pixel in the order of <c>healpy.get_all_neighbours</c>: SW, W, NW, N, NE, E, SE, S
    /// (directions on the face grid). Where a pixel touches a face corner with only seven neighbours, the missing one is -1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    [Pure]
    public static long[] Neighbours(int depth, long id)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        var result = new long[8];
        NeighboursUnchecked(depth, id, result);
        return result;
    }

    /// <summary>
    /// Writes the eight neighbours of a pixel into <paramref name="destination"/> without allocating, in the order of
    /// <see cref="Neighbours(int, long)"/> (healpy's SW, W, NW, N, NE, E, SE, S); a missing neighbour is -1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth or the id is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has fewer than 8 elements.</exception>
    public static void Neighbours(int depth, long id, Span<long> destination)
    {
        Preconditions.Depth(depth);
        Preconditions.PixelId(depth, id);
        if (destination.Length < 8)
        {
            throw new ArgumentException($"destination has {destination.Length} elements; 8 are needed", nameof(destination));
        }

        NeighboursUnchecked(depth, id, destination);
    }

    /// <summary>
    /// A lower bound, in degrees, of the distance between opposite edges of any pixel at the depth. A disc whose radius
    /// is below it overlaps at most the pixel of its centre and that pixel's neighbours.
    /// </summary>
    /// <remarks>
    /// The values are cdshealpix's <c>SMALLER_EDGE2OPEDGE_DIST</c> (src/lib.rs, F.-X. Pineau, CDS), which is the basis
    /// of its neighbour-based cone search.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public static double MinPixelWidthDeg(int depth)
    {
        Preconditions.Depth(depth);
        return SmallestEdgeToOppositeEdgeRad[depth] * RadToDeg;
    }

    // Smallest edge-to-opposite-edge distance of any pixel at each depth, radians (cdshealpix src/lib.rs).
    private static readonly double[] SmallestEdgeToOppositeEdgeRad =
    [
        8.410686705679302e-1, 3.7723631722170065e-1, 1.8203364957037313e-1, 8.91145416330163e-2,
        4.3989734509169175e-2, 2.1817362566054977e-2, 1.0854009694242892e-2, 5.409888140793663e-3,
        2.6995833266547898e-3, 1.3481074874673246e-3, 6.735240905806414e-4, 3.365953703015157e-4,
        1.682452196838741e-4, 8.410609042173736e-5, 4.204784317861652e-5, 2.1022283297961136e-5,
        1.0510625670060442e-5, 5.255150320257332e-6, 2.6275239729465538e-6, 1.3137458638808036e-6,
        6.568678535571394e-7, 3.284323270983175e-7, 1.642156595517884e-7, 8.21076709163242e-8,
        4.105378528139296e-8, 2.0526876713226626e-8, 1.0263433216329513e-8, 5.131714858175969e-9,
        2.5658567623093986e-9, 1.2829280665188905e-9,
    ];

    /// <summary>
    /// An upper bound, in degrees, of the distance from a pixel's centre to any point of the pixel, valid for every
    /// pixel at the depth. It is healpix_cxx's max_pixrad (the centre-to-corner distance of the worst pixel) plus a
    /// 1% allowance, because pixel edges are not great circles and a point on an edge can lie slightly beyond the
    /// corner distance at low depths.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public static double MaxPixelRadiusDeg(int depth)
    {
        Preconditions.Depth(depth);
        return MaxPixelRadiusRad(depth) * RadToDeg;
    }

    internal static double MaxPixelRadiusRad(int depth) => MaxPixelRadiusTable[depth];

    private static readonly double[] MaxPixelRadiusTable = BuildMaxPixelRadiusTable();

    private static double[] BuildMaxPixelRadiusTable()
    {
        var table = new double[MaxDepth + 1];
        for (var depth = 0; depth <= MaxDepth; depth++)
        {
            double nside = 1L << depth;
            var va = FromZPhi(TwoThird, Math.PI / (4 * nside));
            var t1 = 1.0 - 1.0 / nside;
            t1 *= t1;
            var vb = FromZPhi(1 - t1 / 3, 0);
            table[depth] = AngularDistance.Radians(va, vb) * 1.01 + 1e-15;
        }

        return table;
    }

    internal static void NeighboursUnchecked(int depth, long id, Span<long> result)
    {
        NestToXyf(depth, id, out var ix, out var iy, out var face);
        long nside = 1L << depth;
        var nsm1 = nside - 1;
        if (ix > 0 && ix < nsm1 && iy > 0 && iy < nsm1)
        {
            var fpix = (long)face << (2 * depth);
            long px0 = SpreadBits(ix), py0 = SpreadBits(iy) << 1;
            long pxp = SpreadBits(ix + 1), pyp = SpreadBits(iy + 1) << 1;
            long pxm = SpreadBits(ix - 1), pym = SpreadBits(iy - 1) << 1;
            result[0] = fpix + pxm + py0;
            result[1] = fpix + pxm + pyp;
            result[2] = fpix + px0 + pyp;
            result[3] = fpix + pxp + pyp;
            result[4] = fpix + pxp + py0;
            result[5] = fpix + pxp + pym;
            result[6] = fpix + px0 + pym;
            result[7] = fpix + pxm + pym;
            return;
        }

        for (var i = 0; i < 8; i++)
        {
            long x = ix + NeighbourXOffset[i];
            long y = iy + NeighbourYOffset[i];
            var nbnum = 4 + WrapIntoFace(ref x, nside) + (3 * WrapIntoFace(ref y, nside));

            int f = NeighbourFace[nbnum * 12 + face];
            if (f < 0)
            {
                result[i] = -1;
                continue;
            }

            int bits = NeighbourSwap[nbnum * 3 + (face >> 2)];
            if ((bits & 1) != 0)
            {
                x = nside - x - 1;
            }

            if ((bits & 2) != 0)
            {
                y = nside - y - 1;
            }

            if ((bits & 4) != 0)
            {
                (x, y) = (y, x);
            }

            result[i] = XyfToNest(depth, x, y, f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static UnitVector CenterVectorUnchecked(int depth, long id)
    {
        PixToLoc(depth, id, out var z, out var phi, out var sth, out var haveSth);
        return LocToVector(z, phi, sth, haveSth);
    }

    /// <summary>healpix_cxx pix2loc for the NESTED scheme.</summary>
    internal static void PixToLoc(int depth, long id, out double z, out double phi, out double sth, out bool haveSth)
    {
        haveSth = false;
        sth = 0.0;
        long nside = 1L << depth;
        var fact2 = 4.0 / (12.0 * nside * nside);
        var fact1 = (nside << 1) * fact2;
        NestToXyf(depth, id, out var ix, out var iy, out var face);

        var jr = ((long)Jrll[face] << depth) - ix - iy - 1;
        long nr;
        if (jr < nside)
        {
            nr = jr;
            var tmp = (nr * nr) * fact2;
            z = 1 - tmp;
            if (z > 0.99)
            {
                sth = Math.Sqrt(tmp * (2.0 - tmp));
                haveSth = true;
            }
        }
        else if (jr > 3 * nside)
        {
            nr = nside * 4 - jr;
            var tmp = (nr * nr) * fact2;
            z = tmp - 1;
            if (z < -0.99)
            {
                sth = Math.Sqrt(tmp * (2.0 - tmp));
                haveSth = true;
            }
        }
        else
        {
            nr = nside;
            z = (2 * nside - jr) * fact1;
        }

        var t = (long)Jpll[face] * nr + ix - iy;
        if (t < 0)
        {
            t += 8 * nr;
        }

        phi = nr == nside ? 0.75 * HalfPi * t * fact1 : (0.5 * HalfPi * t) / nr;
    }

    /// <summary>healpix_cxx xyf2loc: a point given by continuous face coordinates in [0, 1]^2.</summary>
    internal static UnitVector XyfToVector(double x, double y, int face)
    {
        var haveSth = false;
        var sth = 0.0;
        double z;
        var jr = Jrll[face] - x - y;
        double nr;
        if (jr < 1)
        {
            nr = jr;
            var tmp = nr * nr / 3.0;
            z = 1 - tmp;
            if (z > 0.99)
            {
                sth = Math.Sqrt(tmp * (2.0 - tmp));
                haveSth = true;
            }
        }
        else if (jr > 3)
        {
            nr = 4 - jr;
            var tmp = nr * nr / 3.0;
            z = tmp - 1;
            if (z < -0.99)
            {
                sth = Math.Sqrt(tmp * (2.0 - tmp));
                haveSth = true;
            }
        }
        else
        {
            nr = 1;
            z = (2 - jr) * 2.0 / 3.0;
        }

        var t = Jpll[face] * nr + x - y;
        if (t < 0)
        {
            t += 8;
        }

        if (t >= 8)
        {
            t -= 8;
        }

        var phi = nr < 1e-15 ? 0 : (0.5 * HalfPi * t) / nr;
        return LocToVector(z, phi, sth, haveSth);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UnitVector LocToVector(double z, double phi, double sth, bool haveSth)
    {
        var (sinPhi, cosPhi) = Math.SinCos(phi);
        var st = haveSth ? sth : Math.Sqrt((1.0 - z) * (1.0 + z));
        return new UnitVector(st * cosPhi, st * sinPhi, z);
    }

    private static UnitVector FromZPhi(double z, double phi) => LocToVector(z, phi, 0, false);

    /// <summary>
    /// Brings a face coordinate that stepped off its face (-1 or <paramref name="nside"/>) back onto the neighbouring face
    /// and returns the step taken: -1 off the low edge, +1 off the high edge, 0 when it stayed on the face.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WrapIntoFace(ref long coordinate, long nside)
    {
        if (coordinate < 0)
        {
            coordinate += nside;
            return -1;
        }

        if (coordinate >= nside)
        {
            coordinate -= nside;
            return 1;
        }

        return 0;
    }
}
