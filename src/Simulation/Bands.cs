namespace Apdb.Simulation;

/// <summary>The six LSST filters, indexed 0-5 in the order u g r i z y, with the survey's single-visit depths.</summary>
public static class Bands
{
    /// <summary>The number of bands.</summary>
    public const int Count = 6;

    /// <summary>The band letters in index order.</summary>
    public const string Letters = "ugrizy";

    // Single-visit (30 s) 5-sigma point-source depths of the LSST science requirements (AB mag), at 0.7" seeing.
    private static readonly double[] FiveSigmaDepth = [23.9, 25.0, 24.7, 24.0, 23.3, 22.1];

    // Share of WFD visits per filter in the baseline cadence (sums to 1).
    private static readonly double[] VisitShare = [0.07, 0.09, 0.22, 0.22, 0.20, 0.20];

    /// <summary>The letter of band <paramref name="band"/> (0-5).</summary>
    public static char Letter(int band) => Letters[band];

    /// <summary>The band index of a letter, or -1.</summary>
    public static int IndexOf(char letter) => Letters.IndexOf(letter, StringComparison.Ordinal);

    /// <summary>The 5-sigma point-source depth (AB mag) of a 30 s visit in the band at 0.7" seeing.</summary>
    public static double Depth(int band) => FiveSigmaDepth[band];

    /// <summary>The fraction of survey visits taken in the band.</summary>
    public static double Share(int band) => VisitShare[band];

    /// <summary>Flux in nJy of an AB magnitude.</summary>
    public static double MagToNanojansky(double mag) => Math.Pow(10.0, 0.4 * (31.4 - mag));
}
