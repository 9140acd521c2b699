using System.Diagnostics.Contracts;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// Great-circle distances. Both forms use atan2(|a x b|, a . b), which keeps full relative precision for
/// sub-milliarcsecond separations (where acos of the dot product loses everything) and near 180 degrees
/// (where asin of the cross product does).
/// </summary>
public static class AngularDistance
{
    /// <summary>The angle between two positions, in degrees, in [0, 180].</summary>
    [Pure]
    public static double Degrees(SkyPosition a, SkyPosition b) =>
        Radians(a.ToUnitVector(), b.ToUnitVector()) * (180.0 / Math.PI);

    /// <summary>The angle between two directions, in radians, in [0, pi]. The vectors need not be unit length.</summary>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Radians(UnitVector a, UnitVector b)
    {
        var c = a.Cross(b);
        return Math.Atan2(c.Length, a.Dot(b));
    }

    /// <summary>
    /// The squared chord length 4 sin^2(r/2) between two unit vectors r degrees apart. Hot loops compare
    /// |a - b|^2 against this and need no trigonometry per point.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The radius is not finite or outside [0, 180].</exception>
    [Pure]
    public static double ChordSquaredForRadius(double radiusDeg)
    {
        if (!(radiusDeg >= 0.0 && radiusDeg <= 180.0))
        {
            Preconditions.ThrowOutOfRange(nameof(radiusDeg), $"radiusDeg = {Preconditions.Format(radiusDeg)} is outside [0, 180]");
        }

        var half = Math.Sin(radiusDeg * (Math.PI / 360.0));
        return 4.0 * half * half;
    }

    /// <summary>The squared chord length |a - b|^2 between two unit vectors.</summary>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ChordSquared(UnitVector a, UnitVector b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        var dz = a.Z - b.Z;
        return dx * dx + dy * dy + dz * dz;
    }
}
