using System.Globalization;
using Apdb.History;
using Apdb.Simulation;
using Npgsql;

namespace Apdb.Pipeline;

/// <summary>
/// The simulated survey an APDB holds, read back from the metadata the history loader writes (preset, seed, months):
/// the same seeded sky truth the history was drawn from, and the cadence continued after the history, whose visits
/// the pipeline processes. The cadence is counter-seeded per night, so the continued cadence repeats the history's
/// visits exactly and only adds the later nights.
/// </summary>
public sealed class LoadedSurvey
{
    /// <summary>Months of new visits after the history that the continued cadence covers.</summary>
    public const int ContinuationMonths = 3;

    private readonly Lazy<SkyTruth> _truth;
    private readonly Lazy<Cadence> _cadence;
    private readonly Lazy<int> _historyVisitCount;
    private readonly Lazy<IReadOnlyList<Visit>> _newVisits;

    /// <summary>Describes a survey; the truth and cadence are built on first use.</summary>
    /// <param name="preset">The preset.</param>
    /// <param name="seed">The sky's seed.</param>
    /// <param name="months">Months of history loaded.</param>
    /// <param name="continuedMonths">
    /// Months of new visits after the history (1-12; <see cref="ContinuationMonths"/> unless a benchmark needs more).
    /// The new visits of the first months are the same whatever the length; the transients that appear after the
    /// history are drawn over it, so they differ with it.
    /// </param>
    public LoadedSurvey(SkyPreset preset, long seed, int months, int continuedMonths = ContinuationMonths)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(continuedMonths, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(continuedMonths, 12);
        Preset = preset;
        Seed = seed;
        Months = months;
        ContinuedMonths = continuedMonths;
        var region = Region;
        _cadence = new Lazy<Cadence>(() => Cadence.Create(region, months + continuedMonths, seed));
        _historyVisitCount = new Lazy<int>(() => Cadence.Create(region, months, seed).Visits.Count);
        _newVisits = new Lazy<IReadOnlyList<Visit>>(() => [.. Cadence.Visits.Skip(HistoryVisitCount)]);
        _truth = new Lazy<SkyTruth>(() =>
        {
            // The history's truth (HistoryGenerator builds it over the history's interval) with the transients that
            // appear during the continued cadence appended: the history's sources, and so its rows, are unchanged.
            var history = Cadence.Create(region, months, seed);
            return new SkyTruth(region, seed, history.StartMjd, history.EndMjd, history.EndMjd + continuedMonths * Cadence.DaysPerMonth);
        });
    }

    /// <summary>The preset.</summary>
    public SkyPreset Preset { get; }

    /// <summary>Months of new visits after the history that the cadence and the truth cover.</summary>
    public int ContinuedMonths { get; }

    /// <summary>
    /// The field the pipeline runs on, whose truth and cadence this survey continues: the preset itself, or the central
    /// field of a tiled preset (its seed is the preset's, <see cref="SkyPreset.TileSeed"/>), whose history is the
    /// central part of the APDB's.
    /// </summary>
    public SkyPreset Region => Preset.Tiles[0];

    /// <summary>The sky's seed.</summary>
    public long Seed { get; }

    /// <summary>Months of history loaded.</summary>
    public int Months { get; }

    /// <summary>
    /// The sky truth the history was drawn from, continued over the <see cref="ContinuedMonths"/> months of new
    /// visits: transients that appear after the history follow the history's (<see cref="SkyTruth.HistoryTransientCount"/>).
    /// Both front ends, images and catalog, see this one truth.
    /// </summary>
    public SkyTruth Truth => _truth.Value;

    /// <summary>The cadence: the history's visits, then <see cref="ContinuedMonths"/> months more.</summary>
    public Cadence Cadence => _cadence.Value;

    /// <summary>Visits in the loaded history (the first new visit has this index).</summary>
    public int HistoryVisitCount => _historyVisitCount.Value;

    /// <summary>The visits after the history, in time order.</summary>
    public IReadOnlyList<Visit> NewVisits => _newVisits.Value;

    /// <summary>The loaded survey, or null when the APDB records no complete history load.</summary>
    public static async Task<LoadedSurvey?> TryReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var state = await HistoryLoader.GetStateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        return state == "complete" ? await ReadAsync(dataSource, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>
    /// Reads the loaded survey from the APDB's metadata.
    /// </summary>
    /// <exception cref="ApdbUserException">No complete history load is recorded.</exception>
    public static async Task<LoadedSurvey> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand("SELECT name, value FROM metadata WHERE name LIKE 'history:%'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (!values.TryGetValue(HistoryLoader.StateKey, out var state) || state != "complete")
        {
            throw new ApdbUserException(state is null
                ? "the APDB holds no history: run `apdb load-history --preset demo` (or `apdb demo`) first"
                : $"the APDB's history load did not complete (metadata {HistoryLoader.StateKey} = '{state}'): rerun `apdb load-history --replace`");
        }

        var preset = SkyPreset.Find(values.GetValueOrDefault("history:preset"))
            ?? throw new ApdbUserException($"metadata history:preset = '{values.GetValueOrDefault("history:preset")}' is not a known preset");
        if (!long.TryParse(values.GetValueOrDefault("history:seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
        {
            throw new ApdbUserException($"metadata history:seed = '{values.GetValueOrDefault("history:seed")}' is not an integer");
        }

        if (!int.TryParse(values.GetValueOrDefault("history:months"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var months) || months < 1)
        {
            throw new ApdbUserException($"metadata history:months = '{values.GetValueOrDefault("history:months")}' is not a month count");
        }

        return new LoadedSurvey(preset, seed, months);
    }

    /// <summary>The same survey with <paramref name="continuedMonths"/> months of new visits (see the constructor).</summary>
    public LoadedSurvey WithContinuation(int continuedMonths) =>
        continuedMonths == ContinuedMonths ? this : new LoadedSurvey(Preset, Seed, Months, continuedMonths);

    /// <summary>
    /// The detectors of a visit that see the loaded region, most populated first (by the number of the truth's
    /// variable sources that land on each), at most <paramref name="count"/>.
    /// </summary>
    public IReadOnlyList<int> DetectorsOnRegion(Visit visit, int count)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var perDetector = CountPerDetector(visit);
        return [.. Enumerable.Range(0, CameraLayout.DetectorCount)
            .Where(d => perDetector[d] > 0)
            .OrderByDescending(d => perDetector[d]).ThenBy(d => d)
            .Take(count)];
    }

    /// <summary>Whether a detector of a visit overlaps the loaded region (its footprint reaches inside the <see cref="Region"/>'s disc).</summary>
    public bool Overlaps(Visit visit, int detector)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var footprint = visit.Geometry.Footprint(detector);
        var halfDiagonalDeg = CameraLayout.DetectorSideArcsec / 3600.0 / Math.Sqrt(2.0);
        return AngularDistance.Degrees(footprint.Center, Region.Center) < Region.RadiusDeg + halfDiagonalDeg;
    }

    /// <summary>Visits in the 12-month window before a time (history and processed new visits alike).</summary>
    public int VisitsInWindow(double mjd, int months = 12) =>
        Cadence.Visits.Count(v => v.MidpointMjdTai < mjd && v.MidpointMjdTai > mjd - months * Cadence.DaysPerMonth);

    private int[] CountPerDetector(Visit visit)
    {
        var counts = new int[CameraLayout.DetectorCount];
        var truth = Truth;
        for (var i = 0; i < truth.VariableCount; i++)
        {
            if (visit.Geometry.TryLocate(truth.VariablePosition(i), out var d, out _, out _))
            {
                counts[d]++;
            }
        }

        return counts;
    }
}
