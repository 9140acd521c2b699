using Apdb.Sky;

namespace Apdb.Association;

/// <summary>Band names as used in column prefixes ("u", "g", ...).</summary>
public static class Bands
{
    /// <summary>The number of bands.</summary>
    public const int Count = 6;

    /// <summary>All bands in order.</summary>
    public static IReadOnlyList<Band> All { get; } = [Band.U, Band.G, Band.R, Band.I, Band.Z, Band.Y];

    /// <summary>The one-letter name of a band.</summary>
    /// <param name="band">The band.</param>
    /// <returns>"u", "g", "r", "i", "z" or "y".</returns>
    public static string ToName(this Band band) => band switch
    {
        Band.U => "u",
        Band.G => "g",
        Band.R => "r",
        Band.I => "i",
        Band.Z => "z",
        Band.Y => "y",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
    };

    /// <summary>Parses a one-letter band name (case-insensitive).</summary>
    /// <param name="name">"u", "g", "r", "i", "z" or "y".</param>
    /// <returns>The band.</returns>
    /// <exception cref="AssociationInputException">The name is not a band.</exception>
    public static Band Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "U" => Band.U,
            "G" => Band.G,
            "R" => Band.R,
            "I" => Band.I,
            "Z" => Band.Z,
            "Y" => Band.Y,
            _ => throw new AssociationInputException($"unknown band {UserText.Quote(name)} (expected one of u, g, r, i, z, y)"),
        };
    }
}
