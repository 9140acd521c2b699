using System.Diagnostics.Contracts;
using System.Globalization;

namespace Apdb.Sky;

/// <summary>
/// A position on the celestial sphere in ICRS-like equatorial coordinates: right ascension wrapped into
/// [0, 360) degrees and declination in [-90, 90] degrees.
/// </summary>
public readonly struct SkyPosition : IEquatable<SkyPosition>
{
    private SkyPosition(double raDeg, double decDeg)
    {
        RaDeg = raDeg;
        DecDeg = decDeg;
    }

    /// <summary>Right ascension in degrees, in [0, 360).</summary>
    public double RaDeg { get; }

    /// <summary>Declination in degrees, in [-90, 90].</summary>
    public double DecDeg { get; }

    /// <summary>Right ascension in radians, in [0, 2 pi).</summary>
    public double RaRad => RaDeg * (Math.PI / 180.0);

    /// <summary>Declination in radians, in [-pi/2, pi/2].</summary>
    public double DecRad => DecDeg * (Math.PI / 180.0);

    /// <summary>
    /// Creates a position from degrees. Right ascension may be any finite value and is wrapped into [0, 360).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is NaN or infinite, or |dec| &gt; 90.</exception>
    [Pure]
    public static SkyPosition FromDegrees(double raDeg, double decDeg)
    {
        Preconditions.Finite(raDeg, "ra");
        Preconditions.Declination(decDeg, "dec");
        return new SkyPosition(WrapRa(raDeg), decDeg);
    }

    /// <summary>Creates a position from radians; right ascension is wrapped into [0, 2 pi).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is NaN or infinite, or |dec| &gt; pi/2.</exception>
    [Pure]
    public static SkyPosition FromRadians(double raRad, double decRad)
    {
        var decDeg = decRad * (180.0 / Math.PI);

        // pi/2 in radians may land one ulp above 90 degrees; that is still the pole, not bad input.
        if (Math.Abs(decRad) <= Math.PI / 2)
        {
            decDeg = Math.Clamp(decDeg, -90.0, 90.0);
        }

        return FromDegrees(raRad * (180.0 / Math.PI), decDeg);
    }

    /// <summary>The direction of a unit vector (it need not be normalised, only non-zero and finite).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector is zero or not finite.</exception>
    [Pure]
    public static SkyPosition FromUnitVector(UnitVector v)
    {
        var rxy = Math.Sqrt(v.X * v.X + v.Y * v.Y);
        if (!(rxy > 0.0 || v.Z != 0.0) || !double.IsFinite(rxy + v.Z))
        {
            Preconditions.ThrowOutOfRange(nameof(v), $"v = {v} has no direction");
        }

        // atan2 of both components keeps full precision near the poles, where asin(z) would not.
        var dec = Math.Atan2(v.Z, rxy) * (180.0 / Math.PI);
        var ra = rxy == 0.0 ? 0.0 : Math.Atan2(v.Y, v.X) * (180.0 / Math.PI);
        return new SkyPosition(WrapRa(ra), Math.Clamp(dec, -90.0, 90.0));
    }

    /// <summary>
    /// RA in [0, 360) and Dec of the direction (x, y, z), degrees, without validation or normalisation: for sums of unit
    /// vectors (a mean position) in loops that know the vector is not zero. <see cref="FromUnitVector"/> is the checked form.
    /// </summary>
    [Pure]
    public static (double Ra, double Dec) RaDecOf(double x, double y, double z)
    {
        var ra = Math.Atan2(y, x) * (180.0 / Math.PI);
        if (ra < 0)
        {
            ra += 360.0;
        }

        if (ra >= 360.0)
        {
            ra -= 360.0;
        }

        var dec = Math.Atan2(z, Math.Sqrt((x * x) + (y * y))) * (180.0 / Math.PI);
        return (ra, dec);
    }

    /// <summary>The unit vector pointing at this position.</summary>
    [Pure]
    public UnitVector ToUnitVector() => UnitVector.FromRaDecUnchecked(RaDeg, DecDeg);

    /// <summary>Wraps any finite angle in degrees into [0, 360).</summary>
    [Pure]
    internal static double WrapRa(double raDeg)
    {
        if (raDeg >= 0.0 && raDeg < 360.0)
        {
            return raDeg;
        }

        var r = raDeg % 360.0;
        if (r < 0.0)
        {
            r += 360.0;
        }

        // -1e-20 % 360 + 360 rounds to 360 itself.
        return r >= 360.0 ? 0.0 : r;
    }

    /// <inheritdoc />
    public bool Equals(SkyPosition other) => RaDeg.Equals(other.RaDeg) && DecDeg.Equals(other.DecDeg);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SkyPosition other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RaDeg, DecDeg);

    /// <summary>Exact (bitwise on the coordinates) equality.</summary>
    public static bool operator ==(SkyPosition left, SkyPosition right) => left.Equals(right);

    /// <summary>Exact (bitwise on the coordinates) inequality.</summary>
    public static bool operator !=(SkyPosition left, SkyPosition right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"(ra {RaDeg:R}, dec {DecDeg:R})");
}
