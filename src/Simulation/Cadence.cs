using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// An LSST-like cadence restricted to the visits that land on a preset's region. Nights run 20:00-06:00 local time
/// at Cerro Pachon (longitude -70.75); a night has 800 slots of 45 s (30 s exposure plus readout and slew). The
/// region is observed on a random subset of nights, 2-4 visits on such a night about 30 minutes apart (LSST's
/// pairs plus an occasional third or fourth), in the filter the night's schedule has loaded at the time (filters
/// change every 1.5-3 hours). Pointings are dithered around the region's centre with a random camera rotation.
/// </summary>
/// <remarks>
/// Visits per point: <see cref="VisitsPerPointPerYear"/> = 80, the LSST wide-fast-deep median (about 825 visits in
/// 10 years over six filters). The number of visits is that target divided by the mean fraction of the region a
/// visit covers (chip gaps and, for the fov preset, the dithers), so each point of the region is on a detector about
/// 80 times a year.
/// </remarks>
public sealed class Cadence
{
    /// <summary>Visits per point of the region per 360 days.</summary>
    public const double VisitsPerPointPerYear = 80.0;

    /// <summary>Exposure time, seconds.</summary>
    public const double ExposureSeconds = 30.0;

    /// <summary>Slot length (exposure + overheads), seconds.</summary>
    public const double SlotSeconds = 45.0;

    /// <summary>Slots in a 10-hour night.</summary>
    public const int SlotsPerNight = 800;

    /// <summary>Rubin's month, days; the history starts on a month (partition) boundary.</summary>
    public const double DaysPerMonth = 30.0;

    /// <summary>MJD of the first night's date: 60660 = 30 x 2022, a 30-day partition boundary (2024-12-21).</summary>
    public const double DefaultStartMjd = 60660.0;

    private const double SiteLongitudeDeg = -70.7494;
    private const double MeanVisitsPerObservedNight = 2.5;

    /// <summary>The <see cref="Visit.IdIndex"/> base of field k of a tiled preset: k times this (far above any field's visit count).</summary>
    private const int FieldIdStride = 1_000_000;
    private static readonly DateTime MjdEpoch = new(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc);

    private Cadence(SkyPreset preset, int months, long seed, double startMjd, IReadOnlyList<Visit> visits, double ditherRadiusDeg, double meanCoverage)
    {
        Preset = preset;
        Months = months;
        Seed = seed;
        StartMjd = startMjd;
        Visits = visits;
        DitherRadiusDeg = ditherRadiusDeg;
        MeanCoverage = meanCoverage;
    }

    /// <summary>The preset.</summary>
    public SkyPreset Preset { get; }

    /// <summary>Months (30 days) of history.</summary>
    public int Months { get; }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>First MJD of the history (a partition boundary).</summary>
    public double StartMjd { get; }

    /// <summary>End of the history (exclusive), MJD.</summary>
    public double EndMjd => StartMjd + Months * DaysPerMonth;

    /// <summary>The visits, in time order (of a tiled preset: field after field, see <see cref="Combine"/>).</summary>
    public IReadOnlyList<Visit> Visits { get; }

    /// <summary>Radius of the pointing dithers around the region centre, degrees.</summary>
    public double DitherRadiusDeg { get; }

    /// <summary>The mean fraction of the region a visit covers.</summary>
    public double MeanCoverage { get; }

    /// <summary>Builds the cadence for a preset; deterministic for (preset, months, seed).</summary>
    public static Cadence Create(SkyPreset preset, int months, long seed, double startMjd = DefaultStartMjd)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        if (preset.IsTiled)
        {
            throw new ArgumentException($"the {preset} preset is made of fields: make each field's cadence (SkyPreset.Tiles, SkyPreset.TileSeed)", nameof(preset));
        }

        var region = new RegionGrid(preset);
        var dither = Math.Min(0.5 * preset.RadiusDeg + 0.1, 1.0);

        // Pilot pointings estimate how much of the region a visit covers, which sets how many visits give 80 per point.
        var pilot = new CounterRng(seed, 0xC0DE_0001UL);
        var coverage = 0.0;
        const int PilotCount = 24;
        for (var i = 0; i < PilotCount; i++)
        {
            var (b, rot) = Pointing(ref pilot, preset, dither);
            coverage += region.CoveredFraction(new VisitGeometry(b, rot));
        }

        coverage /= PilotCount;
        var nights = months * (int)DaysPerMonth;
        var targetVisits = VisitsPerPointPerYear * months / 12.0 / coverage;
        var nightProbability = Math.Min(1.0, targetVisits / (MeanVisitsPerObservedNight * nights));

        var visits = new List<Visit>();
        for (var night = 0; night < nights; night++)
        {
            var rng = new CounterRng(seed, 0xC0DE_0002UL, (ulong)night);
            if (!rng.Chance(nightProbability))
            {
                continue;
            }

            var roll = rng.NextDouble();
            var count = roll < 0.6 ? 2 : roll < 0.9 ? 3 : 4;
            var schedule = FilterSchedule(ref rng);
            var spacing = new int[count];
            var span = 0;
            for (var k = 1; k < count; k++)
            {
                spacing[k] = 35 + rng.NextInt(21);
                span += spacing[k];
            }

            var slot = rng.NextInt(SlotsPerNight - span);
            var eveningMjd = startMjd - 1 + night;
            var nightStart = eveningMjd + (20.0 - SiteLongitudeDeg / 15.0) / 24.0;
            var dayObs = DayObs(eveningMjd);
            for (var k = 0; k < count; k++)
            {
                slot += spacing[k];
                var midpoint = nightStart + (slot * SlotSeconds + ExposureSeconds / 2) / AstroConstants.SecondsPerDay;
                var band = schedule[slot * schedule.Length / SlotsPerNight];
                var (boresight, rotation) = Pointing(ref rng, preset, dither);
                var seeing = Math.Clamp(0.8 * Math.Exp(0.25 * rng.Gaussian()), 0.5, 2.0);
                var visit = new Visit(visits.Count, (preset.TileIndex * FieldIdStride) + visits.Count, dayObs * 100000L + (preset.TileIndex * SlotsPerNight) + slot + 1, night, midpoint, band, boresight, rotation, seeing);
                visit.CoveredAreaDeg2 = region.CoveredFraction(visit.Geometry) * preset.AreaDeg2;
                visits.Add(visit);
            }
        }

        return new Cadence(preset, months, seed, startMjd, visits, dither, coverage);
    }

    /// <summary>
    /// The cadence of a tiled preset: every field's visits (each field's in time order, the fields one after another,
    /// as the history is generated); start, end, dither and coverage are the central field's.
    /// </summary>
    internal static Cadence Combine(SkyPreset preset, int months, long seed, IEnumerable<Cadence> fields)
    {
        var list = fields.ToList();
        return new Cadence(preset, months, seed, list[0].StartMjd, [.. list.SelectMany(f => f.Visits)], list[0].DitherRadiusDeg, list[0].MeanCoverage);
    }

    private static (SkyPosition Boresight, double RotationDeg) Pointing(ref CounterRng rng, SkyPreset preset, double ditherDeg)
    {
        var r = ditherDeg * Math.Sqrt(rng.NextDouble()) * 3600.0;
        var phi = rng.Uniform(0, 2 * Math.PI);
        var frame = new TangentFrame(preset.Center);
        var boresight = frame.Unproject(r * Math.Cos(phi), r * Math.Sin(phi)).ToSkyPosition();
        return (boresight, rng.Uniform(0, 360));
    }

    private static int[] FilterSchedule(ref CounterRng rng)
    {
        // 10-19 blocks of 30-60 minutes across the night, each a filter drawn with the survey's filter shares, so
        // the visits of a night (about 30 minutes apart) are mostly in different filters, as in LSST's pairs.
        var blocks = 10 + rng.NextInt(10);
        var schedule = new int[blocks];
        for (var i = 0; i < blocks; i++)
        {
            var u = rng.NextDouble();
            var band = 0;
            var acc = SurveyBands.Share(0);
            while (u >= acc && band < Bands.Count - 1)
            {
                band++;
                acc += SurveyBands.Share(band);
            }

            schedule[i] = band;
        }

        return schedule;
    }

    private static long DayObs(double mjd)
    {
        var date = MjdEpoch.AddDays(Math.Floor(mjd));
        return date.Year * 10000L + date.Month * 100L + date.Day;
    }
}
