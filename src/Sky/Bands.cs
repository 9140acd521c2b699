namespace Apdb.Sky;

/// <summary>
/// The six LSST filters, u g r i z y: as the <see cref="Band"/> enumeration, as an index 0-5 in that order, and as the
/// one-letter names the APDB stores. The one home of band names for every project.
/// </summary>
public static class Bands
{
    /// <summary>The number of bands.</summary>
    public const int Count = 6;

    /// <summary>The band letters in index order.</summary>
    public const string Letters = "ugrizy";

    /// <summary>All bands, in wavelength order.</summary>
    public static IReadOnlyList<Band> All { get; } = [Band.U, Band.G, Band.R, Band.I, Band.Z, Band.Y];

    /// <summary>The letter of band <paramref name="band"/> (0-5).</summary>
    /// <param name="band">The band index.</param>
    /// <returns>Its letter.</returns>
    public static char Letter(int band) => Letters[band];

    /// <summary>The band index of a letter, or -1.</summary>
    /// <param name="letter">A band letter, lower case.</param>
    /// <returns>The index 0-5, or -1.</returns>
    public static int IndexOf(char letter) => Letters.IndexOf(letter, StringComparison.Ordinal);

    /// <summary>The one-letter name of a band, as the APDB stores it ("u" ... "y").</summary>
    /// <param name="band">The band.</param>
    /// <returns>Its name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a band.</exception>
    public static string ToName(this Band band) => (uint)band < Count
        ? Letters.Substring((int)band, 1)
        : throw new ArgumentOutOfRangeException(nameof(band), band, $"band = {(int)band} is not a band (0-5)");

    /// <summary>Parses a band name (one letter, either case, spaces around ignored).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The band.</returns>
    /// <exception cref="ArgumentException">The name is not one of u, g, r, i, z, y.</exception>
    public static Band Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        var index = trimmed.Length == 1 ? IndexOf(char.ToLowerInvariant(trimmed[0])) : -1;
        if (index < 0)
        {
            Preconditions.ThrowArgument(nameof(name), $"unknown band {UserText.Quote(name)} (expected one of u, g, r, i, z, y)");
        }

        return (Band)index;
    }
}
