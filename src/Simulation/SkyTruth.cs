using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// The one seeded sky truth the history loader and the image simulator draw from. Densities are ap_proto's per
/// 9.6 deg^2 visit: 10,000 variable sources at fixed positions, 100 transients active at any time, 5,050 false
/// positives per visit; plus a few moving solar-system objects and static stars (images only).
/// </summary>
/// <remarks>
/// Variables are placed one per cell of a jittered grid (cell area 9.6/10000 deg^2), so the number on any part of
/// the sky follows its area closely instead of with Poisson scatter. Light curves are deterministic functions of
/// time: a variable's flux is <c>mean x 10^(-0.4 A sin(2 pi t / P + phase))</c> per band; a transient rises as a
/// half-Gaussian and declines exponentially.
/// </remarks>
public sealed partial class SkyTruth
{
    /// <summary>ap_proto: variable sources per 9.6 deg^2 visit.</summary>
    public const double VariablesPerFov = 10000;

    /// <summary>ap_proto: transients per 9.6 deg^2 visit.</summary>
    public const double TransientsPerFov = 100;

    /// <summary>ap_proto: false positives per 9.6 deg^2 visit.</summary>
    public const double FalsePositivesPerFov = 5050;

    /// <summary>ap_proto's field of view, deg^2.</summary>
    public const double FovAreaDeg2 = 9.6;

    /// <summary>Longest transient window (rise + decline), days.</summary>
    public const double MaxTransientDays = 80.0;

    private const double MeanTransientDays = 12.5 + 37.5;

    private readonly TangentFrame _frame;

    /// <summary>Creates the truth over a preset's region for the history interval; deterministic for the seed.</summary>
    public SkyTruth(SkyPreset preset, long seed, double startMjd, double endMjd)
        : this(preset, seed, startMjd, endMjd, endMjd)
    {
    }

    /// <summary>
    /// Creates the truth for the history interval [<paramref name="startMjd"/>, <paramref name="endMjd"/>) and its
    /// continuation to <paramref name="continuationEndMjd"/>: the history's sources are exactly those of the
    /// four-argument constructor; transients that appear during the continuation are appended after them.
    /// </summary>
    public SkyTruth(SkyPreset preset, long seed, double startMjd, double endMjd, double continuationEndMjd)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (!(endMjd > startMjd) || !(continuationEndMjd >= endMjd))
        {
            throw new ArgumentOutOfRangeException(nameof(continuationEndMjd),
                $"the truth's interval must satisfy start < end <= continuation end (got {startMjd}, {endMjd}, {continuationEndMjd})");
        }

        Preset = preset;
        Seed = seed;
        StartMjd = startMjd;
        EndMjd = endMjd;
        ContinuationEndMjd = continuationEndMjd;
        _frame = new TangentFrame(preset.Center);
        Variables = BuildVariables();
        Transients = BuildTransients();
        MovingObjects = BuildMoving();
    }

    /// <summary>The preset.</summary>
    public SkyPreset Preset { get; }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>Start of the simulated interval, MJD.</summary>
    public double StartMjd { get; }

    /// <summary>End of the history interval, MJD: no transient of the continuation has flux before it.</summary>
    public double EndMjd { get; }

    /// <summary>End of the continuation after the history (equal to <see cref="EndMjd"/> when there is none), MJD.</summary>
    public double ContinuationEndMjd { get; }

    /// <summary>False positives per deg^2 per visit.</summary>
    public static double FalsePositiveDensity => FalsePositivesPerFov / FovAreaDeg2;

    /// <summary>Variables per deg^2.</summary>
    public static double VariableDensity => VariablesPerFov / FovAreaDeg2;

    /// <summary>Active transients per deg^2.</summary>
    public static double TransientDensity => TransientsPerFov / FovAreaDeg2;

    internal VariableSet Variables { get; }

    internal TransientSet Transients { get; }

    internal MovingSet MovingObjects { get; }

    /// <summary>Number of variable sources in the region.</summary>
    public int VariableCount => Variables.Count;

    /// <summary>Number of transients: those drawn over the history, then those that appear during the continuation.</summary>
    public int TransientCount => Transients.Count;

    /// <summary>Number of transients drawn over the history; transients from this index on appear during the continuation.</summary>
    public int HistoryTransientCount { get; private set; }

    /// <summary>When a transient's flux begins (zero before), MJD.</summary>
    public double TransientOnsetMjd(int index) => Transients.Onset(index);

    /// <summary>
    /// Whether a transient is inside its detection window at a time: from one rise time before the peak to the end of
    /// the decline (the window in which the history's measurement makes DiaSources of it).
    /// </summary>
    public bool TransientActive(int index, double mjd) => Transients.Active(index, mjd);

    /// <summary>A transient's peak time, MJD.</summary>
    public double TransientPeakMjd(int index) => Transients.Peak[index];

    /// <summary>Number of moving objects crossing the region.</summary>
    public int MovingObjectCount => MovingObjects.Count;

    /// <summary>A variable's position.</summary>
    public SkyPosition VariablePosition(int index) => SkyPosition.FromDegrees(Variables.Ra[index], Variables.Dec[index]);

    /// <summary>A variable's flux in nJy in a band at a time (what a perfect science image would measure).</summary>
    public double VariableFlux(int index, int band, double mjd) => Variables.Flux(index, band, mjd);

    /// <summary>A variable's template (mean) flux in nJy.</summary>
    public double VariableTemplateFlux(int index, int band) => Variables.MeanFlux[index * Bands.Count + band];

    /// <summary>A transient's position.</summary>
    public SkyPosition TransientPosition(int index) => SkyPosition.FromDegrees(Transients.Ra[index], Transients.Dec[index]);

    /// <summary>A transient's flux in nJy (0 outside its window).</summary>
    public double TransientFlux(int index, int band, double mjd) => Transients.Flux(index, band, mjd);

    /// <summary>A moving object's position at a time.</summary>
    public SkyPosition MovingPosition(int index, double mjd)
    {
        var (ra, dec, _, _, _) = MovingObjects.Position(_frame, index, mjd);
        return SkyPosition.FromDegrees(ra, dec);
    }

    /// <summary>A moving object's flux in nJy.</summary>
    public double MovingFlux(int index, int band) => MovingObjects.Flux(index, band);

    /// <summary>
    /// Static stars for image simulation (never in the DIA history): a jittered grid at <paramref name="perDeg2"/>
    /// stars per deg^2 over the region, with r magnitudes 16-24 following a rising number count.
    /// </summary>
    public IReadOnlyList<(SkyPosition Position, double RMag)> StaticStars(double perDeg2 = 20000)
    {
        var stars = new List<(SkyPosition, double)>();
        foreach (var point in JitteredGrid(perDeg2, 0x57A2_0000UL))
        {
            // Counts rising 0.3 dex per magnitude: inverse-CDF of 10^(0.3 m) on [16, 24].
            var rng = point.Rng;
            var u = rng.NextDouble();
            var mag = Math.Log10(Math.Pow(10, 0.3 * 16) + u * (Math.Pow(10, 0.3 * 24) - Math.Pow(10, 0.3 * 16))) / 0.3;
            stars.Add((_frame.Unproject(point.Xi, point.Eta).ToSkyPosition(), mag));
        }

        return stars;
    }

    /// <summary>
    /// A jittered grid over the region (its disc, or a field's cell), <paramref name="perDeg2"/> points per deg^2: one point uniform in each
    /// square cell, cells in row order, those outside the disc left out. Each point comes with its cell's counter RNG
    /// (salted by <paramref name="salt"/>, so every use draws its own numbers) after the two draws that placed it, for
    /// the caller's further draws. Tangent-plane offsets in arcsec.
    /// </summary>
    private IEnumerable<(double Xi, double Eta, CounterRng Rng)> JitteredGrid(double perDeg2, ulong salt)
    {
        var r = Preset.RadiusDeg * 3600.0;
        var cell = Math.Sqrt(1.0 / perDeg2) * 3600.0;
        var n = (int)Math.Ceiling(r / cell);
        for (var i = -n; i < n; i++)
        {
            for (var j = -n; j < n; j++)
            {
                var rng = new CounterRng(Seed, salt, (ulong)(i + 100000), (ulong)(j + 100000));
                var a = (i + rng.NextDouble()) * cell;
                var b = (j + rng.NextDouble()) * cell;
                if (a * a + b * b < r * r && InRegion(a, b))
                {
                    yield return (a, b, rng);
                }
            }
        }
    }

    /// <summary>Whether standard coordinates (arcsec) of the region's disc fall in the region (a field's cell).</summary>
    private bool InRegion(double xiArcsec, double etaArcsec)
    {
        if (!Preset.IsTiledField)
        {
            return true;
        }

        var v = _frame.Unproject(xiArcsec, etaArcsec);
        return Preset.Contains(v.X, v.Y, v.Z);
    }

    internal (double Ra, double Dec) FromPlane(double xiArcsec, double etaArcsec) => _frame.UnprojectRaDec(xiArcsec, etaArcsec);

    internal TangentFrame Frame => _frame;
}
