using Apdb.Association;
using Apdb.ForcedPhot;

namespace Apdb.Pipeline.DiaPipe;

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

    /// <summary>
    /// When finite, forced photometry stops this many days after an object's last detection: the ap_proto workload's
    /// rule, which the simulated history follows (30). ap_association has no time cut, hence the default.
    /// </summary>
    public double ForcedPhotometryDays { get; init; } = double.PositiveInfinity;

    /// <summary>Good DiaSources need at least this reliability for forced photometry (ap_association: 0.5).</summary>
    public double ForcedReliabilityThreshold { get; init; } = 0.5;

    /// <summary>Good DiaSources have a trail no longer than this, arcsec (ap_association: 1.4).</summary>
    public double ForcedTrailLengthThreshold { get; init; } = 1.4;

    /// <summary>Forced photometry only for objects with at least this many DiaSources, and as many good ones (Rubin: 2).</summary>
    public int ForcedPhotometryMinDiaSources { get; init; } = 2;

    /// <summary>An unmatched source with reliability below this founds no DiaObject; 0 turns the cut off (Rubin: 0.1).</summary>
    public double NewObjectReliabilityThreshold { get; init; } = 0.1;

    /// <summary>An unmatched source with |apFlux/apFluxErr| below this founds no DiaObject; 0 turns the cut off (Rubin: 0, off).</summary>
    public double NewObjectSnrThreshold { get; init; }

    /// <summary>
    /// With <see cref="NewObjectLowSnrReliabilityThreshold"/>: an unmatched source whose S/N is below this and whose
    /// reliability is below that founds no DiaObject; 0 turns the combined cut off (Rubin: 0, off).
    /// </summary>
    public double NewObjectLowReliabilitySnrThreshold { get; init; }

    /// <summary>The reliability threshold of the combined low-S/N cut (Rubin: 0.1).</summary>
    public double NewObjectLowSnrReliabilityThreshold { get; init; } = 0.1;

    /// <summary>
    /// A detector-visit that would create more new DiaObjects than this is refused with an error and nothing stored;
    /// 0 means no limit (Rubin's <c>maxNewDiaObjects</c>: 0).
    /// </summary>
    public int MaxNewDiaObjects { get; init; }

    /// <summary>Forced-photometry settings. One thread per fit call: the runner's workers supply the parallelism.</summary>
    public ForcedPhotOptions ForcedPhot { get; init; } = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>Rewrite a detector-visit that is already stored instead of refusing it.</summary>
    public bool ReplaceExisting { get; init; }

    /// <summary>
    /// Read the region's DiaObjects again after the front end, just before association (Rubin's doReloadDiaObjects),
    /// so objects that other detector-visits stored meanwhile are matched rather than duplicated.
    /// </summary>
    public bool ReloadDiaObjects { get; init; } = true;

    /// <summary>
    /// Preloaded DiaObjects with at least this many DiaSources are known variables, whose positions the front end's
    /// matching kernel keeps out of its stamps: a static star leaves no DiaSource, one detection may be a noise peak, a
    /// mover or a one-off transient, two or more at one position mean its flux changes. 0 passes none.
    /// </summary>
    public int KnownVariableMinDiaSources { get; init; } = 2;
}
