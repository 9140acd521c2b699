using System.Globalization;

namespace Apdb.Association;

/// <summary>The rule for a match radius, which every finder and the associator apply to their caller's value.</summary>
internal static class MatchRadius
{
    /// <summary>Checks a match radius given by a user.</summary>
    /// <param name="radiusArcsec">The radius, arcseconds.</param>
    /// <exception cref="AssociationInputException">The radius is not finite and positive, or exceeds 180 degrees.</exception>
    public static void Check(double radiusArcsec)
    {
        if (!double.IsFinite(radiusArcsec) || radiusArcsec <= 0)
        {
            throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"match radius must be a finite number of arcseconds > 0, got {radiusArcsec}"));
        }

        if (radiusArcsec > 180.0 * 3600.0)
        {
            throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"match radius {radiusArcsec} arcsec is larger than 180 degrees"));
        }
    }
}
