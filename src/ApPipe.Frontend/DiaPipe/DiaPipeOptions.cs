using Apdb.Association;
using Apdb.ForcedPhot;

namespace Apdb.Frontend.DiaPipe;

/// <summary>Settings of <see cref="DiaPipeline"/>; the defaults are Rubin's current ap_association configuration.</summary>
public sealed record DiaPipeOptions
{
    /// <summary>Association radius, arcsec (Rubin: 1.0).</summary>
    public double MatchRadiusArcsec { get; init; } = 1.0;

    /// <summary>Padding of the detector polygon for the preload, arcsec (Rubin's pipeline: 20).</summary>
    public double RegionPaddingArcsec { get; init; } = 20.0;

    /// <summary>How candidate pairs become one-to-one matches (Rubin since 2026: the optimal bipartite matching).</summary>
    public AssociationMode Mode { get; init; } = AssociationMode.Optimal;

    /// <summary>Months (30 days) of DiaSource and DiaForcedSource history preloaded and summarised (Rubin: 12).</summary>
    public int HistoryMonths { get; init; } = 12;

    /// <summary>Forced photometry continues this many days after an object's last detection (Rubin: 30).</summary>
    public double ForcedPhotometryDays { get; init; } = 30.0;

    /// <summary>Forced photometry only for objects with at least this many DiaSources (Rubin: 2).</summary>
    public int ForcedPhotometryMinDiaSources { get; init; } = 2;

    /// <summary>Forced-photometry settings. One thread per fit call: the runner's workers supply the parallelism.</summary>
    public ForcedPhotOptions ForcedPhot { get; init; } = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>Rewrite a detector-visit that is already stored instead of refusing it.</summary>
    public bool ReplaceExisting { get; init; }

    /// <summary>
    /// Read the region's DiaObjects again after the front end, just before association (Rubin's doReloadDiaObjects),
    /// so objects that other detector-visits stored meanwhile are matched rather than duplicated.
    /// </summary>
    public bool ReloadDiaObjects { get; init; } = true;
}
