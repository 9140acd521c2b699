using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// The history's association, in visit order: the truth says which object a detection belongs to, so association
/// is exact (what a perfect pipeline would write). Variables and transients become one DiaObject at their first
/// detection and gain a version per detection; false positives and moving-object detections are one-off objects.
/// </summary>
internal sealed class AssociationState
{
    private readonly bool _keepPoints;
    private readonly ObjectState?[] _variables;
    private readonly ObjectState?[] _transients;
    private readonly List<ObjectState> _multi = [];
    private readonly List<DiaObjectRow> _oneOffs = [];
    private readonly int[] _sourceSeq = new int[CameraLayout.DetectorCount];
    private readonly int[] _forcedSeq = new int[CameraLayout.DetectorCount];

    public AssociationState(HistoryGenerator generator)
    {
        _keepPoints = generator.Months * Cadence.DaysPerMonth > ObjectAccumulator.WindowDays;
        _variables = new ObjectState?[generator.Truth.VariableCount];
        _transients = new ObjectState?[generator.Truth.TransientCount];
    }

    /// <summary>
    /// Row ids: (visit index + 1) in the high bits, then the detector, then a sequence number within the
    /// detector-visit (at most 65,535 rows per detector-visit; the fov preset has about 80).
    /// </summary>
    public static long PackId(int visitIndex, int detector, int sequence) =>
        ((long)(visitIndex + 1) << 24) | ((long)detector << 16) | (uint)sequence;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(VisitDraft draft, BatchBuilder batch)
    {
        var visit = draft.Visit;
        var t = visit.MidpointMjdTai;
        Array.Clear(_sourceSeq);
        Array.Clear(_forcedSeq);
        foreach (var detection in draft.Detections)
        {
            var row = detection.Row;
            var det = row.Detector;
            row.DiaSourceId = PackId(visit.IdIndex, det, _sourceSeq[det]++);
            var v = UnitVector.FromRaDec(row.Ra, row.Dec);
            var point = new SourcePoint(t, row.Band, row.PsfFlux, row.PsfFluxErr, row.ScienceFlux, row.ScienceFluxErr,
                v.X, v.Y, v.Z, row.RaErr, row.DecErr, row.RaDecCov);
            if (detection.Kind is TruthKind.Variable or TruthKind.Transient)
            {
                var table = detection.Kind == TruthKind.Variable ? _variables : _transients;
                var state = table[detection.TruthIndex];
                if (state is null)
                {
                    state = new ObjectState(row.DiaSourceId, new ObjectAccumulator(_keepPoints));
                    table[detection.TruthIndex] = state;
                    _multi.Add(state);
                }
                else
                {
                    state.Pending.ValidityEndMjdTai = t;
                    batch.Objects.Add(state.Pending);
                }

                row.DiaObjectId = state.Id;
                state.Accumulator.Add(point);
                var version = new DiaObjectRow { DiaObjectId = state.Id, ValidityStartMjdTai = t, ValidityEndMjdTai = double.NaN };
                state.Accumulator.Snapshot(ref version);
                state.Pending = version;
            }
            else
            {
                row.DiaObjectId = row.DiaSourceId;
                var accumulator = new ObjectAccumulator(false);
                accumulator.Add(point);
                var version = new DiaObjectRow { DiaObjectId = row.DiaSourceId, ValidityStartMjdTai = t, ValidityEndMjdTai = double.NaN };
                accumulator.Snapshot(ref version);
                batch.Objects.Add(version);
                _oneOffs.Add(version);
            }

            batch.Sources.Add(row);
        }

        foreach (var f in draft.Forced)
        {
            var state = (f.Kind == TruthKind.Variable ? _variables : _transients)[f.TruthIndex];
            // Rubin: forced photometry only for objects with at least two detections, until 30 days after the last.
            if (state is null || state.Accumulator.Count < 2 || t - state.Accumulator.LastMjd > HistoryGenerator.ForcedPhotometryDays)
            {
                continue;
            }

            batch.Forced.Add(new DiaForcedSourceRow
            {
                DiaForcedSourceId = PackId(visit.IdIndex, f.Detector, _forcedSeq[f.Detector]++),
                DiaObjectId = state.Id,
                Ra = state.Pending.Ra,
                Dec = state.Pending.Dec,
                PixelId = state.Pending.PixelId,
                Visit = visit.VisitId,
                Detector = f.Detector,
                MidpointMjdTai = t,
                TimeProcessedMjdTai = t + 90.0 / AstroConstants.SecondsPerDay,
                PsfFlux = f.PsfFlux,
                PsfFluxErr = f.PsfFluxErr,
                ScienceFlux = f.ScienceFlux,
                ScienceFluxErr = f.ScienceFluxErr,
                Band = (byte)visit.Band,
            });
        }

        for (var d = 0; d < CameraLayout.DetectorCount; d++)
        {
            if (_sourceSeq[d] + _forcedSeq[d] > 0)
            {
                batch.VisitDetectors.Add(new VisitDetectorRow
                {
                    Visit = visit.VisitId,
                    Detector = (short)d,
                    VisitMjdTai = t,
                    NDiaObjects = _sourceSeq[d],
                    NDiaSources = _sourceSeq[d],
                    NDiaForcedSources = _forcedSeq[d],
                });
            }
        }
    }

    /// <summary>Emits the open versions and the DiaObjectLast rows (ordered by pixelId, then id).</summary>
    public void Finish(BatchBuilder batch, out DiaObjectRow[] last)
    {
        last = new DiaObjectRow[_oneOffs.Count + _multi.Count];
        _oneOffs.CopyTo(last);
        var k = _oneOffs.Count;
        foreach (var state in _multi)
        {
            batch.Objects.Add(state.Pending);
            last[k++] = state.Pending;
        }

        _oneOffs.Clear();
        Array.Sort(last, static (a, b) =>
        {
            var c = a.PixelId.CompareTo(b.PixelId);
            return c != 0 ? c : a.DiaObjectId.CompareTo(b.DiaObjectId);
        });
    }

    private sealed class ObjectState(long id, ObjectAccumulator accumulator)
    {
        public long Id { get; } = id;

        public ObjectAccumulator Accumulator { get; } = accumulator;

        public DiaObjectRow Pending;
    }
}
