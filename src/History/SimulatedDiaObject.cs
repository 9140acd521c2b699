using Apdb.Records;
using Apdb.Simulation;
using static Apdb.History.SimulatedNulls;

namespace Apdb.History;

/// <summary>
/// A simulated DiaObject version seen as the values of Rubin's <c>DiaObject</c> columns: the one map from the
/// simulation's row to the table, read by the history's binary COPY through
/// <see cref="DiaObjectColumns.WriteCopyRow{TValues}"/>. A NaN summary is NULL. The newest version is also the
/// object's <c>DiaObjectLast</c> row (<see cref="IDiaObjectValues"/> extends <see cref="IDiaObjectLastValues"/>), written
/// through <see cref="DiaObjectLastColumns.WriteCopyRow{TValues}"/> from the same view.
/// </summary>
public readonly ref struct SimulatedDiaObject : IDiaObjectValues
{
    private readonly ref readonly DiaObjectRow _row;

    /// <summary>A view of <paramref name="row"/>; the row must outlive it.</summary>
    public SimulatedDiaObject(ref readonly DiaObjectRow row)
    {
        _row = ref row;
    }

    /// <inheritdoc />
    public long DiaObjectId => _row.DiaObjectId;

    /// <inheritdoc />
    public double ValidityStartMjdTai => _row.ValidityStartMjdTai;

    /// <inheritdoc />
    public double? ValidityEndMjdTai => NullIfNaN(_row.ValidityEndMjdTai);

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
    public float? UPsfFluxMean => NullIfNaN(_row.PsfFluxMean[0]);

    /// <inheritdoc />
    public float? UPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[0]);

    /// <inheritdoc />
    public float? UPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[0]);

    /// <inheritdoc />
    public int UPsfFluxNdata => _row.PsfFluxNdata[0];

    /// <summary>Column <c>u_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? UFpFluxMean => null;

    /// <summary>Column <c>u_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? UFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? GPsfFluxMean => NullIfNaN(_row.PsfFluxMean[1]);

    /// <inheritdoc />
    public float? GPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[1]);

    /// <inheritdoc />
    public float? GPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[1]);

    /// <inheritdoc />
    public int GPsfFluxNdata => _row.PsfFluxNdata[1];

    /// <summary>Column <c>g_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? GFpFluxMean => null;

    /// <summary>Column <c>g_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? GFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? RPsfFluxMean => NullIfNaN(_row.PsfFluxMean[2]);

    /// <inheritdoc />
    public float? RPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[2]);

    /// <inheritdoc />
    public float? RPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[2]);

    /// <inheritdoc />
    public int RPsfFluxNdata => _row.PsfFluxNdata[2];

    /// <summary>Column <c>r_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? RFpFluxMean => null;

    /// <summary>Column <c>r_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? RFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? IPsfFluxMean => NullIfNaN(_row.PsfFluxMean[3]);

    /// <inheritdoc />
    public float? IPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[3]);

    /// <inheritdoc />
    public float? IPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[3]);

    /// <inheritdoc />
    public int IPsfFluxNdata => _row.PsfFluxNdata[3];

    /// <summary>Column <c>i_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? IFpFluxMean => null;

    /// <summary>Column <c>i_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? IFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? ZPsfFluxMean => NullIfNaN(_row.PsfFluxMean[4]);

    /// <inheritdoc />
    public float? ZPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[4]);

    /// <inheritdoc />
    public float? ZPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[4]);

    /// <inheritdoc />
    public int ZPsfFluxNdata => _row.PsfFluxNdata[4];

    /// <summary>Column <c>z_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? ZFpFluxMean => null;

    /// <summary>Column <c>z_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? ZFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? YPsfFluxMean => NullIfNaN(_row.PsfFluxMean[5]);

    /// <inheritdoc />
    public float? YPsfFluxMeanErr => NullIfNaN(_row.PsfFluxMeanErr[5]);

    /// <inheritdoc />
    public float? YPsfFluxSigma => NullIfNaN(_row.PsfFluxSigma[5]);

    /// <inheritdoc />
    public int YPsfFluxNdata => _row.PsfFluxNdata[5];

    /// <summary>Column <c>y_fpFluxMean</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? YFpFluxMean => null;

    /// <summary>Column <c>y_fpFluxMeanErr</c>: null, the history computes no forced-photometry means (nor does the pipeline by default).</summary>
    public float? YFpFluxMeanErr => null;

    /// <inheritdoc />
    public float? UScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[0]);

    /// <inheritdoc />
    public float? UScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[0]);

    /// <inheritdoc />
    public float? GScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[1]);

    /// <inheritdoc />
    public float? GScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[1]);

    /// <inheritdoc />
    public float? RScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[2]);

    /// <inheritdoc />
    public float? RScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[2]);

    /// <inheritdoc />
    public float? IScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[3]);

    /// <inheritdoc />
    public float? IScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[3]);

    /// <inheritdoc />
    public float? ZScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[4]);

    /// <inheritdoc />
    public float? ZScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[4]);

    /// <inheritdoc />
    public float? YScienceFluxMean => NullIfNaN(_row.ScienceFluxMean[5]);

    /// <inheritdoc />
    public float? YScienceFluxMeanErr => NullIfNaN(_row.ScienceFluxMeanErr[5]);

    /// <inheritdoc />
    public float? UPsfFluxMin => NullIfNaN(_row.PsfFluxMin[0]);

    /// <inheritdoc />
    public float? UPsfFluxMax => NullIfNaN(_row.PsfFluxMax[0]);

    /// <inheritdoc />
    public float? UPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[0]);

    /// <inheritdoc />
    public float? UPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[0]);

    /// <inheritdoc />
    public float? GPsfFluxMin => NullIfNaN(_row.PsfFluxMin[1]);

    /// <inheritdoc />
    public float? GPsfFluxMax => NullIfNaN(_row.PsfFluxMax[1]);

    /// <inheritdoc />
    public float? GPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[1]);

    /// <inheritdoc />
    public float? GPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[1]);

    /// <inheritdoc />
    public float? RPsfFluxMin => NullIfNaN(_row.PsfFluxMin[2]);

    /// <inheritdoc />
    public float? RPsfFluxMax => NullIfNaN(_row.PsfFluxMax[2]);

    /// <inheritdoc />
    public float? RPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[2]);

    /// <inheritdoc />
    public float? RPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[2]);

    /// <inheritdoc />
    public float? IPsfFluxMin => NullIfNaN(_row.PsfFluxMin[3]);

    /// <inheritdoc />
    public float? IPsfFluxMax => NullIfNaN(_row.PsfFluxMax[3]);

    /// <inheritdoc />
    public float? IPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[3]);

    /// <inheritdoc />
    public float? IPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[3]);

    /// <inheritdoc />
    public float? ZPsfFluxMin => NullIfNaN(_row.PsfFluxMin[4]);

    /// <inheritdoc />
    public float? ZPsfFluxMax => NullIfNaN(_row.PsfFluxMax[4]);

    /// <inheritdoc />
    public float? ZPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[4]);

    /// <inheritdoc />
    public float? ZPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[4]);

    /// <inheritdoc />
    public float? YPsfFluxMin => NullIfNaN(_row.PsfFluxMin[5]);

    /// <inheritdoc />
    public float? YPsfFluxMax => NullIfNaN(_row.PsfFluxMax[5]);

    /// <inheritdoc />
    public float? YPsfFluxMaxSlope => NullIfNaN(_row.PsfFluxMaxSlope[5]);

    /// <inheritdoc />
    public float? YPsfFluxErrMean => NullIfNaN(_row.PsfFluxErrMean[5]);

    /// <inheritdoc />
    public double? FirstDiaSourceMjdTai => NullIfNaN(_row.FirstDiaSourceMjdTai);

    /// <inheritdoc />
    public double? LastDiaSourceMjdTai => NullIfNaN(_row.LastDiaSourceMjdTai);

    /// <inheritdoc />
    public int NDiaSources => _row.NDiaSources;

    /// <inheritdoc />
    public long PixelId => _row.PixelId;
}
