using System.Diagnostics.Contracts;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// A Cartesian direction (x towards ra 0 dec 0, y towards ra 90 dec 0, z towards the north pole).
/// The factories produce unit length; <see cref="Cross"/> deliberately does not normalise, so that callers that
/// only need a plane normal or a sine do not pay for a square root.
/// </summary>
public readonly struct UnitVector : IEquatable<UnitVector>
{
    /// <summary>Creates a vector from raw components, without normalising; internal code only.</summary>
    internal UnitVector(double x, double y, double z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    /// <summary>The x component.</summary>
    public double X { get; }

    /// <summary>The y component.</summary>
    public double Y { get; }

    /// <summary>The z component.</summary>
    public double Z { get; }

    /// <summary>The Euclidean length (1 for a vector made by a factory, up to rounding).</summary>
    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);

    /// <summary>The unit vector at right ascension and declination in degrees.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is NaN or infinite, or |dec| &gt; 90.</exception>
    [Pure]
    public static UnitVector FromRaDec(double raDeg, double decDeg)
    {
        Preconditions.Finite(raDeg, "ra");
        Preconditions.Declination(decDeg, "dec");
        return FromRaDecUnchecked(raDeg, decDeg);
    }

    /// <summary>The direction of (x, y, z), normalised to unit length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector is zero or not finite.</exception>
    [Pure]
    public static UnitVector FromComponents(double x, double y, double z)
    {
        var v = new UnitVector(x, y, z);
        var length = v.Length;
        if (!(length > 0.0) || !double.IsFinite(length))
        {
            Preconditions.ThrowOutOfRange("v", $"v = {v} cannot be normalised");
        }

        return new UnitVector(x / length, y / length, z / length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static UnitVector FromRaDecUnchecked(double raDeg, double decDeg)
    {
        var (sinRa, cosRa) = Math.SinCos(raDeg * (Math.PI / 180.0));
        var (sinDec, cosDec) = Math.SinCos(decDeg * (Math.PI / 180.0));
        return new UnitVector(cosDec * cosRa, cosDec * sinRa, sinDec);
    }

    /// <summary>The scalar product.</summary>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Dot(UnitVector other) => X * other.X + Y * other.Y + Z * other.Z;

    /// <summary>The vector product, NOT normalised: its length is the sine of the angle between the two.</summary>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UnitVector Cross(UnitVector other) => new(
        Y * other.Z - Z * other.Y,
        Z * other.X - X * other.Z,
        X * other.Y - Y * other.X);

    /// <summary>This direction scaled to unit length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector is zero or not finite.</exception>
    [Pure]
    public UnitVector Normalize() => FromComponents(X, Y, Z);

    /// <summary>The opposite direction.</summary>
    [Pure]
    public UnitVector Negate() => new(-X, -Y, -Z);

    /// <summary>The position this vector points at.</summary>
    [Pure]
    public SkyPosition ToSkyPosition() => SkyPosition.FromUnitVector(this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal UnitVector Scale(double factor) => new(X * factor, Y * factor, Z * factor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal UnitVector Add(UnitVector other) => new(X + other.X, Y + other.Y, Z + other.Z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal UnitVector Subtract(UnitVector other) => new(X - other.X, Y - other.Y, Z - other.Z);

    /// <inheritdoc />
    public bool Equals(UnitVector other) => X.Equals(other.X) && Y.Equals(other.Y) && Z.Equals(other.Z);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is UnitVector other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(X, Y, Z);

    /// <summary>Exact component-wise equality.</summary>
    public static bool operator ==(UnitVector left, UnitVector right) => left.Equals(right);

    /// <summary>Exact component-wise inequality.</summary>
    public static bool operator !=(UnitVector left, UnitVector right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X:R}, {Y:R}, {Z:R})");
}
