using System.Runtime.CompilerServices;

namespace Apdb.History;

/// <summary>The simulation marks an undefined value (a sigma of one point, an open validity) with NaN; the APDB with NULL.</summary>
internal static class SimulatedNulls
{
    /// <summary>Null when <paramref name="value"/> is NaN, else the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float? NullIfNaN(float value) => float.IsNaN(value) ? null : value;

    /// <summary>Null when <paramref name="value"/> is NaN, else the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;
}
