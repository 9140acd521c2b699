using Apdb.Records;

namespace Apdb.Alerts;

/// <summary>One alert: a stored DiaSource with its DiaObject, the object's earlier history and three FITS cutouts.</summary>
public sealed class AlertPacket
{
    /// <summary>The triggering DiaSource, as stored.</summary>
    public required DiaSource DiaSource { get; init; }

    /// <summary>The DiaObject version stored with the DiaSource.</summary>
    public required DiaObject DiaObject { get; init; }

    /// <summary>The object's DiaSources in the history window before the triggering one, in time order.</summary>
    public required IReadOnlyList<DiaSource> PrvDiaSources { get; init; }

    /// <summary>The object's DiaForcedSources in the history window before the triggering DiaSource, in time order.</summary>
    public required IReadOnlyList<DiaForcedSource> PrvDiaForcedSources { get; init; }

    /// <summary>FITS cutout of the difference image, or null when there is no image.</summary>
    public byte[]? CutoutDifference { get; init; }

    /// <summary>FITS cutout of the calibrated science image, or null when there is no image.</summary>
    public byte[]? CutoutScience { get; init; }

    /// <summary>FITS cutout of the template on the science pixel grid, or null when there is no template.</summary>
    public byte[]? CutoutTemplate { get; init; }

    /// <summary>The triggering DiaSource's id (the alert's <c>diaSourceId</c>).</summary>
    public long DiaSourceId => DiaSource.DiaSourceId;
}
