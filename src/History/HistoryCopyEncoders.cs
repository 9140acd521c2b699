using System.Runtime.CompilerServices;
using Apdb.Simulation;

namespace Apdb.History;

/// <summary>
/// Maps the simulation's row structs onto Rubin's columns as binary COPY rows, in the column order of the generated
/// record classes (<see cref="Records.DiaSource.ColumnNames"/> and friends), straight from the structs.
/// </summary>
internal static class HistoryCopyEncoders
{
    /// <summary>The value written to <c>reliabilityVersion</c>.</summary>
    public const string ReliabilityVersion = "apdb-sim-1";

    private static readonly byte[] ReliabilityVersionUtf8 = CopyBuffer.Utf8(ReliabilityVersion);

    public static IReadOnlyList<string> DiaSourceColumns => Records.DiaSource.ColumnNames;

    public static IReadOnlyList<string> DiaObjectColumns => Records.DiaObject.ColumnNames;

    public static IReadOnlyList<string> DiaObjectLastColumns => Records.DiaObjectLast.ColumnNames;

    public static IReadOnlyList<string> DiaForcedSourceColumns => Records.DiaForcedSource.ColumnNames;

    public static IReadOnlyList<string> VisitDetectorColumns { get; } =
        ["visit", "detector", "visitMjdTai", "nDiaObjects", "nDiaSources", "nDiaForcedSources"];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<DiaSourceRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            var f = r.Flags;
            b.StartRow(104, 1400);
            b.Int64(r.DiaSourceId);
            b.Int64(r.Visit);
            b.Int16(r.Detector);
            b.Int64(r.DiaObjectId);
            b.Null(); // ssObjectId: no solar-system association in the history
            b.Int64(0); // parentDiaSourceId: 0 = not deblended from a parent
            b.Null(); // ssObjectReassocTimeMjdTai
            b.Float8(r.MidpointMjdTai);
            b.Float4(r.ExposureTime);
            b.Float8(r.Ra);
            b.Float4(r.RaErr);
            b.Float8(r.Dec);
            b.Float4(r.DecErr);
            b.Float4(r.RaDecCov);
            b.Float4(r.X);
            b.Float4(r.XErr);
            b.Float4(r.Y);
            b.Float4(r.YErr);
            b.Bool((f & DiaSourceFlags.Centroid) != 0);
            b.Float4(r.ApFlux);
            b.Float4(r.ApFluxErr);
            b.Bool((f & DiaSourceFlags.ApFlux) != 0);
            b.Bool((f & DiaSourceFlags.ApFluxApertureTruncated) != 0);
            b.Bool((f & DiaSourceFlags.IsNegative) != 0);
            b.Float4(r.Snr);
            b.Float4(r.PsfFlux);
            b.Float4(r.PsfFluxErr);
            b.Float4(r.PsfLnL);
            b.Float4(r.PsfChi2);
            b.Int32(r.PsfNdata);
            b.Bool((f & DiaSourceFlags.PsfFlux) != 0);
            b.Bool((f & DiaSourceFlags.PsfFluxEdge) != 0);
            b.Bool((f & DiaSourceFlags.PsfFluxNoGoodPixels) != 0);
            b.Float4(r.TrailFlux);
            b.Float4(r.TrailFluxErr);
            b.Float8(r.TrailRa);
            b.Float4(r.TrailRaErr);
            b.Float8(r.TrailDec);
            b.Float4(r.TrailDecErr);
            b.Float4(r.TrailLength);
            b.Float4(r.TrailLengthErr);
            b.Float4(r.TrailAngle);
            b.Float4(r.TrailAngleErr);
            b.Float4(r.TrailChi2);
            b.Int32(r.TrailNdata);
            b.Int32(1); // trailAlgorithm
            b.Bool((f & DiaSourceFlags.TrailEdge) != 0);
            b.Bool((f & DiaSourceFlags.Trail) != 0);
            b.Float4(r.DipoleMeanFlux);
            b.Float4(r.DipoleMeanFluxErr);
            b.Float4(r.DipoleFluxDiff);
            b.Float4(r.DipoleFluxDiffErr);
            b.Float4(r.DipoleLength);
            b.Float4(r.DipoleAngle);
            b.Float4(r.DipoleChi2);
            b.Int32(r.DipoleNdata);
            b.Float4(r.ScienceFlux);
            b.Float4(r.ScienceFluxErr);
            b.Bool((f & DiaSourceFlags.ForcedPsfFlux) != 0);
            b.Bool((f & DiaSourceFlags.ForcedPsfFluxEdge) != 0);
            b.Bool((f & DiaSourceFlags.ForcedPsfFluxNoGoodPixels) != 0);
            b.Float4(r.TemplateFlux);
            b.Float4(r.TemplateFluxErr);
            b.Float4(r.Ixx);
            b.Float4(r.Iyy);
            b.Float4(r.Ixy);
            b.Float4(r.IxxPsf);
            b.Float4(r.IyyPsf);
            b.Float4(r.IxyPsf);
            b.Bool((f & DiaSourceFlags.Shape) != 0);
            b.Bool((f & DiaSourceFlags.ShapeNoPixels) != 0);
            b.Bool((f & DiaSourceFlags.ShapeNotContained) != 0);
            b.Bool((f & DiaSourceFlags.ShapeParentSource) != 0);
            b.Float4(r.Extendedness);
            b.Float4(r.Reliability);
            b.Text(ReliabilityVersionUtf8);
            b.Char(Bands.Letter(r.Band));
            b.Bool((f & DiaSourceFlags.IsDipole) != 0);
            b.Bool((f & DiaSourceFlags.DipoleFitAttempted) != 0);
            b.Float8(r.TimeProcessedMjdTai);
            b.Null(); // timeWithdrawnMjdTai: nothing withdrawn
            b.Int32(r.BboxSize);
            b.Bool((f & DiaSourceFlags.PixelFlags) != 0);
            b.Bool((f & DiaSourceFlags.PixelBad) != 0);
            b.Bool((f & DiaSourceFlags.PixelCr) != 0);
            b.Bool((f & DiaSourceFlags.PixelCrCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelEdge) != 0);
            b.Bool((f & DiaSourceFlags.PixelNoData) != 0);
            b.Bool((f & DiaSourceFlags.PixelNoDataCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelInterpolated) != 0);
            b.Bool((f & DiaSourceFlags.PixelInterpolatedCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelOffImage) != 0);
            b.Bool((f & DiaSourceFlags.PixelSaturated) != 0);
            b.Bool((f & DiaSourceFlags.PixelSaturatedCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelSuspect) != 0);
            b.Bool((f & DiaSourceFlags.PixelSuspectCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelStreak) != 0);
            b.Bool((f & DiaSourceFlags.PixelStreakCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelInjected) != 0);
            b.Bool((f & DiaSourceFlags.PixelInjectedCenter) != 0);
            b.Bool((f & DiaSourceFlags.PixelInjectedTemplate) != 0);
            b.Bool((f & DiaSourceFlags.PixelInjectedTemplateCenter) != 0);
            b.Bool((f & DiaSourceFlags.GlintTrail) != 0);
            b.Int64(r.PixelId);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<DiaObjectRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            b.StartRow(84, 1100);
            b.Int64(r.DiaObjectId);
            b.Float8(r.ValidityStartMjdTai);
            b.Float8OrNull(r.ValidityEndMjdTai);
            b.Float8(r.Ra);
            b.Float4(r.RaErr);
            b.Float8(r.Dec);
            b.Float4(r.DecErr);
            b.Float4(r.RaDecCov);
            for (var band = 0; band < Bands.Count; band++)
            {
                b.Float4OrNull(r.PsfFluxMean[band]);
                b.Float4OrNull(r.PsfFluxMeanErr[band]);
                b.Float4OrNull(r.PsfFluxSigma[band]);
                b.Int32(r.PsfFluxNdata[band]);
                b.Null(); // fpFluxMean: forced-photometry means are not computed by the pipeline's defaults
                b.Null(); // fpFluxMeanErr
            }

            for (var band = 0; band < Bands.Count; band++)
            {
                b.Float4OrNull(r.ScienceFluxMean[band]);
                b.Float4OrNull(r.ScienceFluxMeanErr[band]);
            }

            for (var band = 0; band < Bands.Count; band++)
            {
                b.Float4OrNull(r.PsfFluxMin[band]);
                b.Float4OrNull(r.PsfFluxMax[band]);
                b.Float4OrNull(r.PsfFluxMaxSlope[band]);
                b.Float4OrNull(r.PsfFluxErrMean[band]);
            }

            b.Float8OrNull(r.FirstDiaSourceMjdTai);
            b.Float8OrNull(r.LastDiaSourceMjdTai);
            b.Int32(r.NDiaSources);
            b.Int64(r.PixelId);
        }
    }

    public static void EncodeLast(ReadOnlySpan<DiaObjectRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            b.StartRow(11, 140);
            b.Int64(r.DiaObjectId);
            b.Float8(r.ValidityStartMjdTai);
            b.Float8OrNull(r.LastDiaSourceMjdTai);
            b.Float8(r.Ra);
            b.Float4(r.RaErr);
            b.Float8(r.Dec);
            b.Float4(r.DecErr);
            b.Float4(r.RaDecCov);
            b.Float8OrNull(r.FirstDiaSourceMjdTai);
            b.Int32(r.NDiaSources);
            b.Int64(r.PixelId);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<DiaForcedSourceRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            b.StartRow(15, 180);
            b.Int64(r.DiaForcedSourceId);
            b.Int64(r.DiaObjectId);
            b.Float8(r.Ra);
            b.Float8(r.Dec);
            b.Int64(r.Visit);
            b.Int16(r.Detector);
            b.Float4(r.PsfFlux);
            b.Float4(r.PsfFluxErr);
            b.Float8(r.MidpointMjdTai);
            b.Float4(r.ScienceFlux);
            b.Float4(r.ScienceFluxErr);
            b.Char(Bands.Letter(r.Band));
            b.Float8(r.TimeProcessedMjdTai);
            b.Null(); // timeWithdrawnMjdTai
            b.Int64(r.PixelId);
        }
    }

    public static void Encode(ReadOnlySpan<VisitDetectorRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            b.StartRow(6, 60);
            b.Int64(r.Visit);
            b.Int16(r.Detector);
            b.Float8(r.VisitMjdTai);
            b.Int32(r.NDiaObjects);
            b.Int32(r.NDiaSources);
            b.Int32(r.NDiaForcedSources);
        }
    }
}
