namespace Apdb.Simulation;

/// <summary>The survey's view of the six bands (indexed as <see cref="Apdb.Sky.Bands"/>): single-visit depths and visit shares.</summary>
public static class SurveyBands
{
    // Single-visit (30 s) 5-sigma point-source depths of the LSST science requirements (AB mag), at 0.7" seeing.
    private static readonly double[] FiveSigmaDepth = [23.9, 25.0, 24.7, 24.0, 23.3, 22.1];

    // Share of WFD visits per filter in the baseline cadence (sums to 1).
    private static readonly double[] VisitShare = [0.07, 0.09, 0.22, 0.22, 0.20, 0.20];

    /// <summary>The 5-sigma point-source depth (AB mag) of a 30 s visit in the band at 0.7" seeing.</summary>
    public static double Depth(int band) => FiveSigmaDepth[band];

    /// <summary>The fraction of survey visits taken in the band.</summary>
    public static double Share(int band) => VisitShare[band];

}
