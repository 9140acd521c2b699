using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// The one place where arguments are checked. Every message is a single line that names the parameter and
/// the offending value, so a log line is enough to find the bad input.
/// </summary>
internal static class Preconditions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} is not a finite number");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Declination(double decDeg, string name)
    {
        // The negated form also rejects NaN.
        if (!(Math.Abs(decDeg) <= 90.0))
        {
            ThrowDeclination(decDeg, name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Depth(int depth, string name = "depth")
    {
        if ((uint)depth > HealpixNested.MaxDepth)
        {
            ThrowOutOfRange(name, $"{name} = {depth} is outside [0, {HealpixNested.MaxDepth}]");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PixelId(int depth, long id, string name = "id")
    {
        if ((ulong)id >= (ulong)(12L << (2 * depth)))
        {
            ThrowOutOfRange(name, $"{name} = {id} is outside [0, {12L << (2 * depth)}) at depth {depth}");
        }
    }

    public static void Radius(double radiusDeg, string name)
    {
        if (!(radiusDeg > 0.0 && radiusDeg < 180.0))
        {
            ThrowOutOfRange(name, $"{name} = {Format(radiusDeg)} deg is outside (0, 180)");
        }
    }

    public static void NonNegativeFinite(double value, string name)
    {
        if (!(value >= 0.0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} must be finite and >= 0");
        }
    }

    public static void PositiveFinite(double value, string name)
    {
        if (!(value > 0.0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} must be finite and > 0");
        }
    }

    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            ThrowOutOfRange(name, $"{name} = {value} is less than {minimum}");
        }
    }

    public static void SameLength(int expected, int actual, string expectedName, string actualName)
    {
        if (expected != actual)
        {
            ThrowArgument(actualName, $"{actualName}.Length = {actual} differs from {expectedName}.Length = {expected}");
        }
    }

    /// <summary>Called after a batch kernel has seen a bad coordinate; finds the first one and reports it.</summary>
    [DoesNotReturn]
    public static void ThrowFirstInvalidCoordinate(ReadOnlySpan<double> raDeg, ReadOnlySpan<double> decDeg)
    {
        for (var i = 0; i < raDeg.Length; i++)
        {
            if (!double.IsFinite(raDeg[i]))
            {
                ThrowOutOfRange("raDeg", $"raDeg[{i}] = {Format(raDeg[i])} is not a finite number");
            }

            if (!(Math.Abs(decDeg[i]) <= 90.0))
            {
                ThrowOutOfRange("decDeg", $"decDeg[{i}] = {Format(decDeg[i])} is outside [-90, 90]");
            }
        }

        throw new InvalidOperationException("A coordinate was reported invalid but none is.");
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDeclination(double decDeg, string name)
    {
        if (double.IsNaN(decDeg) || double.IsInfinity(decDeg))
        {
            ThrowOutOfRange(name, $"{name} = {Format(decDeg)} is not a finite number");
        }

        ThrowOutOfRange(name, $"{name} = {Format(decDeg)} is outside [-90, 90]");
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOutOfRange(string name, string message) =>
        throw new ArgumentOutOfRangeException(name, message);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgument(string name, string message) =>
        throw new ArgumentException(message, name);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
