namespace Apdb.History;

/// <summary>The <c>band</c> column of a simulated row: the band's letter, one string per band so no row allocates.</summary>
internal static class SimulatedBands
{
    private static readonly string[] Names = [.. Bands.Letters.Select(c => new string(c, 1))];

    /// <summary>The letter of band index <paramref name="band"/> (0-5, u g r i z y).</summary>
    public static string Name(byte band) => Names[band];
}
