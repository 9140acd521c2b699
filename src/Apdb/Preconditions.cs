using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Apdb;

/// <summary>Argument and input checks in one place, so hot paths stay free of throw sites.</summary>
internal static class Preconditions
{
    public static void NotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null)
        {
            ThrowNull(name);
        }
    }

    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            ThrowOutOfRange(name, value, "must be a finite number > 0");
        }
    }

    public static void InRange(int value, int min, int max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < min || value > max)
        {
            ThrowOutOfRange(name, value, $"is outside [{min}, {max}]");
        }
    }

    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value))
        {
            ThrowOutOfRange(name, value, "must be finite");
        }
    }

    [DoesNotReturn]
    public static void ThrowUser(string message) => throw new ApdbUserException(message);

    [DoesNotReturn]
    private static void ThrowNull(string? name) => throw new ArgumentNullException(name);

    [DoesNotReturn]
    private static void ThrowOutOfRange(string? name, object value, string what) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} {what}");
}
