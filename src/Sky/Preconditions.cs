using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// The one place where arguments are checked, for every project (Sky is the lowest layer, so all can reach it). Every
/// message is a single line that names the parameter and the offending value, so a log line is enough to find the bad
/// input. The checks inline to a compare and a call to a throw helper, so they cost nothing in a hot path. The
/// parameter name defaults to the argument's expression.
/// </summary>
/// <remarks>
/// These guard programming errors (<see cref="ArgumentException"/>). A bad user input (a file, an option) is reported
/// with the layer's own user-error exception, whose message says where in the input the value was.
/// </remarks>
public static class Preconditions
{
    /// <summary>Checks that a reference is not null.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentNullException">The argument is null.</exception>
    public static void NotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value is null)
        {
            ThrowNull(name);
        }
    }

    /// <summary>Checks that an integer lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="value">The argument.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public static void InRange(int value, int min, int max, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value < min || value > max)
        {
            ThrowOutOfRange(name, string.Create(CultureInfo.InvariantCulture, $"{name} = {value} is outside [{min}, {max}]"));
        }
    }

    /// <summary>Checks that a number is finite (not NaN or infinite).</summary>
    /// <param name="value">The argument.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!double.IsFinite(value))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} is not a finite number");
        }
    }

    /// <summary>Checks that a declination lies in [-90, 90] degrees.</summary>
    /// <param name="decDeg">The declination, degrees.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range or not finite.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Declination(double decDeg, [CallerArgumentExpression(nameof(decDeg))] string name = "")
    {
        // The negated form also rejects NaN.
        if (!(Math.Abs(decDeg) <= 90.0))
        {
            ThrowDeclination(decDeg, name);
        }
    }

    /// <summary>Checks a HEALPix depth (0 to <see cref="HealpixNested.MaxDepth"/>).</summary>
    /// <param name="depth">The depth.</param>
    /// <param name="name">Its name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside the range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Depth(int depth, string name = "depth")
    {
        if ((uint)depth > HealpixNested.MaxDepth)
        {
            ThrowOutOfRange(name, $"{name} = {depth} is outside [0, {HealpixNested.MaxDepth}]");
        }
    }

    /// <summary>Checks a NESTED pixel id at a depth.</summary>
    /// <param name="depth">The depth (already checked).</param>
    /// <param name="id">The pixel id.</param>
    /// <param name="name">Its name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a pixel at that depth.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PixelId(int depth, long id, string name = "id")
    {
        if ((ulong)id >= (ulong)(12L << (2 * depth)))
        {
            ThrowOutOfRange(name, $"{name} = {id} is outside [0, {12L << (2 * depth)}) at depth {depth}");
        }
    }

    /// <summary>Checks a cone radius in degrees: in (0, 180).</summary>
    /// <param name="radiusDeg">The radius, degrees.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The radius is outside the range or not finite.</exception>
    public static void Radius(double radiusDeg, [CallerArgumentExpression(nameof(radiusDeg))] string name = "")
    {
        if (!(radiusDeg > 0.0 && radiusDeg < 180.0))
        {
            ThrowOutOfRange(name, $"{name} = {Format(radiusDeg)} deg is outside (0, 180)");
        }
    }

    /// <summary>Checks that a number is finite and at least 0.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public static void NonNegativeFinite(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!(value >= 0.0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} must be finite and >= 0");
        }
    }

    /// <summary>Checks that a number is finite and greater than 0.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive or not finite.</exception>
    public static void PositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!(value > 0.0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(name, $"{name} = {Format(value)} must be finite and > 0");
        }
    }

    /// <summary>Checks that an integer is at least <paramref name="minimum"/>.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="minimum">The smallest allowed value.</param>
    /// <param name="name">Its name (the argument's expression when left out).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is smaller.</exception>
    public static void AtLeast(int value, int minimum, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value < minimum)
        {
            ThrowOutOfRange(name, $"{name} = {value} is less than {minimum}");
        }
    }

    /// <summary>Checks that two spans or arrays that go together have the same length.</summary>
    /// <param name="expected">The length that sets the size.</param>
    /// <param name="actual">The length checked against it.</param>
    /// <param name="expectedName">The name of the first.</param>
    /// <param name="actualName">The name of the second.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void SameLength(int expected, int actual, string expectedName, string actualName)
    {
        if (expected != actual)
        {
            ThrowArgument(actualName, $"{actualName}.Length = {actual} differs from {expectedName}.Length = {expected}");
        }
    }

    /// <summary>Called after a batch kernel has seen a bad coordinate; finds the first one and reports it.</summary>
    /// <param name="raDeg">The right ascensions, degrees.</param>
    /// <param name="decDeg">The declinations, degrees.</param>
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

    /// <summary>Throws the error for a bad declination (not finite, or outside [-90, 90]).</summary>
    /// <param name="decDeg">The declination, degrees.</param>
    /// <param name="name">Its name.</param>
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

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with a one-line message.</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="message">The message, naming the parameter and the value.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOutOfRange(string name, string message) =>
        throw new ArgumentOutOfRangeException(name, message);

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message.</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="message">The message, naming the parameter and the value.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgument(string name, string message) =>
        throw new ArgumentException(message, name);

    /// <summary>Formats a number for a message: round-trip, invariant culture.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNull(string name) => throw new ArgumentNullException(name);
}
