namespace Apdb.Simulation;

/// <summary>
/// What the alert pipeline would have written to the APDB after N months over a preset's region, generated as a
/// stream of batches in visit order: DiaSources with every column filled, DiaObject versions (a new version per new
/// source, the previous one closed at that visit's time; new objects take the id of their first source),
/// DiaForcedSources by Rubin's rule (objects with at least 2 sources, until 30 days after the last one), the
/// detector-visit registry, and DiaObjectLast at the end. Deterministic for (preset, months, seed): the per-visit
/// measurements are drawn from counter-based streams keyed by visit and object, so generating visits in parallel
/// gives the same rows bit for bit.
/// </summary>
public sealed partial class HistoryGenerator
{
    /// <summary>Days after an object's last detection during which forced photometry continues (Rubin).</summary>
    public const double ForcedPhotometryDays = 30.0;

    private const int VisitsPerBatch = 4;

    private readonly int _parallelism;

    /// <summary>For a tiled preset, one generator per field, the central field first; null otherwise.</summary>
    private readonly HistoryGenerator[]? _fields;

    /// <summary>Prepares the cadence and the truth (cheap); rows are made by <see cref="Generate"/>.</summary>
    /// <param name="preset">The region.</param>
    /// <param name="months">Months (30 days) of history, 1-24.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="parallelism">Threads for the per-visit measurements (default: processor count).</param>
    public HistoryGenerator(SkyPreset preset, int months, long seed, int? parallelism = null)
        : this(preset, months, seed, null, parallelism)
    {
    }

    /// <summary>
    /// Prepares a generator over a given truth: a history of <see cref="SkyTruth.StartMjd"/> to
    /// <see cref="SkyTruth.EndMjd"/> continued by more months, whose transients then include those that appear during
    /// the continuation. Its rows for the history's visits are those of the history alone.
    /// </summary>
    /// <param name="preset">The region.</param>
    /// <param name="months">Months (30 days) of visits to generate, 1-36 (24 of history and up to 12 after).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="truth">The sky truth, of the same preset and seed, starting at the cadence's start; null builds
    /// the truth over the generated months.</param>
    /// <param name="parallelism">Threads for the per-visit measurements (default: processor count).</param>
    public HistoryGenerator(SkyPreset preset, int months, long seed, SkyTruth? truth, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(months, truth is null ? 24 : 24 + 12);
        Preset = preset;
        Months = months;
        Seed = seed;
        _parallelism = Math.Max(1, parallelism ?? Environment.ProcessorCount);
        if (preset.IsTiled)
        {
            // Each field's history on its own: its truth, cadence and seed; the fields follow one another.
            if (truth is not null)
            {
                throw new ArgumentException($"the {preset} preset is made of fields: give no truth (each field has its own)", nameof(truth));
            }

            _fields = [.. preset.Tiles.Select((field, k) => new HistoryGenerator(field, months, SkyPreset.TileSeed(seed, k), null, parallelism))];
            Cadence = Cadence.Combine(preset, months, seed, _fields.Select(f => f.Cadence));
            Truth = _fields[0].Truth;
            return;
        }

        Cadence = Cadence.Create(preset, months, seed);
        if (truth is not null && (truth.Preset != preset || truth.Seed != seed || truth.StartMjd != Cadence.StartMjd))
        {
            throw new ArgumentException(
                $"the truth ({truth.Preset}, seed {truth.Seed}, from MJD {truth.StartMjd}) is not this generator's ({preset}, seed {seed}, from MJD {Cadence.StartMjd})",
                nameof(truth));
        }

        Truth = truth ?? new SkyTruth(preset, seed, Cadence.StartMjd, Cadence.EndMjd);
    }

    /// <summary>The preset.</summary>
    public SkyPreset Preset { get; }

    /// <summary>Months of history.</summary>
    public int Months { get; }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>The visits (of a tiled preset: every field's).</summary>
    public Cadence Cadence { get; }

    /// <summary>The sky truth (of a tiled preset: its central field's).</summary>
    public SkyTruth Truth { get; }

    /// <summary>
    /// The history, batch by batch in time order (a few visits of one month each, then the final batch). Memory stays
    /// bounded by the open object versions and DiaObjectLast, not by the history. A tiled preset's history is its
    /// fields' one after the other, so its batches go back in time at each new field, and there is a final batch per
    /// field.
    /// </summary>
    public IEnumerable<HistoryBatch> Generate(CancellationToken cancellationToken = default)
    {
        if (_fields is not null)
        {
            // Field after field, each ending with its own final batch (its DiaObjectLast rows): memory stays bounded by
            // one field's open objects. Visit counts run on across the fields.
            var before = 0;
            foreach (var field in _fields)
            {
                foreach (var batch in field.Generate(cancellationToken))
                {
                    yield return batch.AfterVisits(before);
                }

                before += field.Cadence.Visits.Count;
            }

            yield break;
        }

        var state = new AssociationState(this);
        var visits = Cadence.Visits;
        var i = 0;
        while (i < visits.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var month = Month(visits[i].MidpointMjdTai);
            var end = i;
            while (end < visits.Count && end - i < VisitsPerBatch * _parallelism && Month(visits[end].MidpointMjdTai) == month)
            {
                end++;
            }

            var drafts = new VisitDraft[end - i];
            var start = i;
            Parallel.For(0, drafts.Length, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
                k => drafts[k] = Measure(visits[start + k]));

            // Association is sequential (object state), but cheap next to the measurements.
            for (var k = 0; k < drafts.Length; k += VisitsPerBatch)
            {
                var batch = new BatchBuilder();
                for (var j = k; j < Math.Min(drafts.Length, k + VisitsPerBatch); j++)
                {
                    state.Apply(drafts[j], batch);
                    drafts[j] = null!;
                }

                yield return batch.Build(month, start + Math.Min(drafts.Length, k + VisitsPerBatch), null);
            }

            i = end;
        }

        var final = new BatchBuilder();
        state.Finish(final, out var last);
        yield return final.Build(-1, visits.Count, last);
    }

    /// <summary>The 30-day partition index of an MJD.</summary>
    public static int Month(double mjd) => (int)Math.Floor(mjd / Cadence.DaysPerMonth);
}
