using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.History;

/// <summary>
/// A simulated DiaSource row seen as the values of Rubin's <c>DiaSource</c> columns: the one map from the simulation's
/// row to the table. The history's binary COPY (<see cref="DiaSourceColumns.WriteCopyRow{TValues}"/>) and the
/// pipeline's records (<see cref="DiaSourceColumns.ToRecord{TValues}"/>) both read the row through it. Columns the
/// simulation does not model are constants or null, as documented on each.
/// </summary>
public readonly ref struct SimulatedDiaSource : IDiaSourceValues
{
    /// <summary>The value of <c>reliabilityVersion</c>: the simulated reliability score.</summary>
    public const string SimulatedReliabilityVersion = "apdb-sim-1";

    private readonly ref readonly DiaSourceRow _row;

    /// <summary>A view of <paramref name="row"/>; the row must outlive it.</summary>
    public SimulatedDiaSource(ref readonly DiaSourceRow row)
    {
        _row = ref row;
    }

    /// <inheritdoc />
    public long DiaSourceId => _row.DiaSourceId;

    /// <inheritdoc />
    public long Visit => _row.Visit;

    /// <inheritdoc />
    public short Detector => _row.Detector;

    /// <inheritdoc />
    public long? DiaObjectId => _row.DiaObjectId;

    /// <summary>Column <c>ssObjectId</c>: null, the history has no solar-system associations.</summary>
    public long? SsObjectId => null;

    /// <summary>Column <c>parentDiaSourceId</c>: 0, not deblended from a parent.</summary>
    public long? ParentDiaSourceId => 0;

    /// <summary>Column <c>ssObjectReassocTimeMjdTai</c>: null, never reassociated.</summary>
    public double? SsObjectReassocTimeMjdTai => null;

    /// <inheritdoc />
    public double MidpointMjdTai => _row.MidpointMjdTai;

    /// <inheritdoc />
    public float? ExposureTime => _row.ExposureTime;

    /// <inheritdoc />
    public double Ra => _row.Ra;

    /// <inheritdoc />
    public float? RaErr => _row.RaErr;

    /// <inheritdoc />
    public double Dec => _row.Dec;

    /// <inheritdoc />
    public float? DecErr => _row.DecErr;

    /// <inheritdoc />
    public float? RaDecCov => _row.RaDecCov;

    /// <inheritdoc />
    public float X => _row.X;

    /// <inheritdoc />
    public float? XErr => _row.XErr;

    /// <inheritdoc />
    public float Y => _row.Y;

    /// <inheritdoc />
    public float? YErr => _row.YErr;

    /// <inheritdoc />
    public bool? CentroidFlag => Has(DiaSourceFlags.Centroid);

    /// <inheritdoc />
    public float? ApFlux => _row.ApFlux;

    /// <inheritdoc />
    public float? ApFluxErr => _row.ApFluxErr;

    /// <inheritdoc />
    public bool? ApFluxFlag => Has(DiaSourceFlags.ApFlux);

    /// <inheritdoc />
    public bool? ApFluxFlagApertureTruncated => Has(DiaSourceFlags.ApFluxApertureTruncated);

    /// <inheritdoc />
    public bool? IsNegative => Has(DiaSourceFlags.IsNegative);

    /// <inheritdoc />
    public float? Snr => _row.Snr;

    /// <inheritdoc />
    public float? PsfFlux => _row.PsfFlux;

    /// <inheritdoc />
    public float? PsfFluxErr => _row.PsfFluxErr;

    /// <inheritdoc />
    public float? PsfLnL => _row.PsfLnL;

    /// <inheritdoc />
    public float? PsfChi2 => _row.PsfChi2;

    /// <inheritdoc />
    public int PsfNdata => _row.PsfNdata;

    /// <inheritdoc />
    public bool? PsfFluxFlag => Has(DiaSourceFlags.PsfFlux);

    /// <inheritdoc />
    public bool? PsfFluxFlagEdge => Has(DiaSourceFlags.PsfFluxEdge);

    /// <inheritdoc />
    public bool? PsfFluxFlagNoGoodPixels => Has(DiaSourceFlags.PsfFluxNoGoodPixels);

    /// <inheritdoc />
    public float? TrailFlux => _row.TrailFlux;

    /// <inheritdoc />
    public float? TrailFluxErr => _row.TrailFluxErr;

    /// <inheritdoc />
    public double? TrailRa => _row.TrailRa;

    /// <inheritdoc />
    public float? TrailRaErr => _row.TrailRaErr;

    /// <inheritdoc />
    public double? TrailDec => _row.TrailDec;

    /// <inheritdoc />
    public float? TrailDecErr => _row.TrailDecErr;

    /// <inheritdoc />
    public float? TrailLength => _row.TrailLength;

    /// <inheritdoc />
    public float? TrailLengthErr => _row.TrailLengthErr;

    /// <inheritdoc />
    public float? TrailAngle => _row.TrailAngle;

    /// <inheritdoc />
    public float? TrailAngleErr => _row.TrailAngleErr;

    /// <inheritdoc />
    public float? TrailChi2 => _row.TrailChi2;

    /// <inheritdoc />
    public int TrailNdata => _row.TrailNdata;

    /// <summary>Column <c>trailAlgorithm</c>: 1, the one trail fit the history simulates.</summary>
    public int? TrailAlgorithm => 1;

    /// <inheritdoc />
    public bool? TrailFlagEdge => Has(DiaSourceFlags.TrailEdge);

    /// <inheritdoc />
    public bool? TrailFlag => Has(DiaSourceFlags.Trail);

    /// <inheritdoc />
    public float? DipoleMeanFlux => _row.DipoleMeanFlux;

    /// <inheritdoc />
    public float? DipoleMeanFluxErr => _row.DipoleMeanFluxErr;

    /// <inheritdoc />
    public float? DipoleFluxDiff => _row.DipoleFluxDiff;

    /// <inheritdoc />
    public float? DipoleFluxDiffErr => _row.DipoleFluxDiffErr;

    /// <inheritdoc />
    public float? DipoleLength => _row.DipoleLength;

    /// <inheritdoc />
    public float? DipoleAngle => _row.DipoleAngle;

    /// <inheritdoc />
    public float? DipoleChi2 => _row.DipoleChi2;

    /// <inheritdoc />
    public int DipoleNdata => _row.DipoleNdata;

    /// <inheritdoc />
    public float? ScienceFlux => _row.ScienceFlux;

    /// <inheritdoc />
    public float? ScienceFluxErr => _row.ScienceFluxErr;

    /// <inheritdoc />
    public bool? ForcedPsfFluxFlag => Has(DiaSourceFlags.ForcedPsfFlux);

    /// <inheritdoc />
    public bool? ForcedPsfFluxFlagEdge => Has(DiaSourceFlags.ForcedPsfFluxEdge);

    /// <inheritdoc />
    public bool? ForcedPsfFluxFlagNoGoodPixels => Has(DiaSourceFlags.ForcedPsfFluxNoGoodPixels);

    /// <inheritdoc />
    public float? TemplateFlux => _row.TemplateFlux;

    /// <inheritdoc />
    public float? TemplateFluxErr => _row.TemplateFluxErr;

    /// <inheritdoc />
    public float? Ixx => _row.Ixx;

    /// <inheritdoc />
    public float? Iyy => _row.Iyy;

    /// <inheritdoc />
    public float? Ixy => _row.Ixy;

    /// <inheritdoc />
    public float? IxxPSF => _row.IxxPsf;

    /// <inheritdoc />
    public float? IyyPSF => _row.IyyPsf;

    /// <inheritdoc />
    public float? IxyPSF => _row.IxyPsf;

    /// <inheritdoc />
    public bool? ShapeFlag => Has(DiaSourceFlags.Shape);

    /// <inheritdoc />
    public bool? ShapeFlagNoPixels => Has(DiaSourceFlags.ShapeNoPixels);

    /// <inheritdoc />
    public bool? ShapeFlagNotContained => Has(DiaSourceFlags.ShapeNotContained);

    /// <inheritdoc />
    public bool? ShapeFlagParentSource => Has(DiaSourceFlags.ShapeParentSource);

    /// <inheritdoc />
    public float? Extendedness => _row.Extendedness;

    /// <inheritdoc />
    public float? Reliability => _row.Reliability;

    /// <summary>Column <c>reliabilityVersion</c>: <see cref="SimulatedReliabilityVersion"/>.</summary>
    public string? ReliabilityVersion => SimulatedReliabilityVersion;

    /// <summary>Column <c>band</c>: the band's letter.</summary>
    public string? Band => SimulatedBands.Name(_row.Band);

    /// <inheritdoc />
    public bool? IsDipole => Has(DiaSourceFlags.IsDipole);

    /// <inheritdoc />
    public bool? DipoleFitAttempted => Has(DiaSourceFlags.DipoleFitAttempted);

    /// <inheritdoc />
    public double TimeProcessedMjdTai => _row.TimeProcessedMjdTai;

    /// <summary>Column <c>timeWithdrawnMjdTai</c>: null, nothing is withdrawn.</summary>
    public double? TimeWithdrawnMjdTai => null;

    /// <inheritdoc />
    public int BboxSize => _row.BboxSize;

    /// <inheritdoc />
    public bool? PixelFlags => Has(DiaSourceFlags.PixelFlags);

    /// <inheritdoc />
    public bool? PixelFlagsBad => Has(DiaSourceFlags.PixelBad);

    /// <inheritdoc />
    public bool? PixelFlagsCr => Has(DiaSourceFlags.PixelCr);

    /// <inheritdoc />
    public bool? PixelFlagsCrCenter => Has(DiaSourceFlags.PixelCrCenter);

    /// <inheritdoc />
    public bool? PixelFlagsEdge => Has(DiaSourceFlags.PixelEdge);

    /// <inheritdoc />
    public bool? PixelFlagsNodata => Has(DiaSourceFlags.PixelNoData);

    /// <inheritdoc />
    public bool? PixelFlagsNodataCenter => Has(DiaSourceFlags.PixelNoDataCenter);

    /// <inheritdoc />
    public bool? PixelFlagsInterpolated => Has(DiaSourceFlags.PixelInterpolated);

    /// <inheritdoc />
    public bool? PixelFlagsInterpolatedCenter => Has(DiaSourceFlags.PixelInterpolatedCenter);

    /// <inheritdoc />
    public bool? PixelFlagsOffimage => Has(DiaSourceFlags.PixelOffImage);

    /// <inheritdoc />
    public bool? PixelFlagsSaturated => Has(DiaSourceFlags.PixelSaturated);

    /// <inheritdoc />
    public bool? PixelFlagsSaturatedCenter => Has(DiaSourceFlags.PixelSaturatedCenter);

    /// <inheritdoc />
    public bool? PixelFlagsSuspect => Has(DiaSourceFlags.PixelSuspect);

    /// <inheritdoc />
    public bool? PixelFlagsSuspectCenter => Has(DiaSourceFlags.PixelSuspectCenter);

    /// <inheritdoc />
    public bool? PixelFlagsStreak => Has(DiaSourceFlags.PixelStreak);

    /// <inheritdoc />
    public bool? PixelFlagsStreakCenter => Has(DiaSourceFlags.PixelStreakCenter);

    /// <inheritdoc />
    public bool? PixelFlagsInjected => Has(DiaSourceFlags.PixelInjected);

    /// <inheritdoc />
    public bool? PixelFlagsInjectedCenter => Has(DiaSourceFlags.PixelInjectedCenter);

    /// <inheritdoc />
    public bool? PixelFlagsInjectedTemplate => Has(DiaSourceFlags.PixelInjectedTemplate);

    /// <inheritdoc />
    public bool? PixelFlagsInjectedTemplateCenter => Has(DiaSourceFlags.PixelInjectedTemplateCenter);

    /// <inheritdoc />
    public bool? GlintTrail => Has(DiaSourceFlags.GlintTrail);

    /// <inheritdoc />
    public long PixelId => _row.PixelId;

    private bool Has(DiaSourceFlags flag) => (_row.Flags & flag) != 0;
}
