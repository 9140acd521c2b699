using System.Diagnostics.CodeAnalysis;

namespace Apdb.Association;

/// <summary>Argument checks in one place, so hot loops stay free of throw sites.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInput(string message) => throw new AssociationInputException(message);

    public static void ThrowIfBadRadius(double radiusArcsec)
    {
        if (!double.IsFinite(radiusArcsec) || radiusArcsec <= 0)
        {
            ThrowInput(FormattableString.Invariant($"match radius must be a finite number of arcseconds > 0, got {radiusArcsec}"));
        }

        if (radiusArcsec > 180.0 * 3600.0)
        {
            ThrowInput(FormattableString.Invariant($"match radius {radiusArcsec} arcsec is larger than 180 degrees"));
        }
    }

    public static void ThrowIfLengthsDiffer(int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException(FormattableString.Invariant($"{name} has {actual} elements, expected {expected}"), name);
        }
    }
}
