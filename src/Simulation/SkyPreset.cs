using System.Globalization;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// A named simulation size: a disc of sky (the region the history covers) and its centre. The centre is at
/// declination -62, circumpolar from Cerro Pachon (latitude -30.24), so the field is observable in every month.
/// </summary>
public sealed class SkyPreset
{
    /// <summary>ap_proto's field of view and the area of an inner field of a tiled preset, deg^2.</summary>
    private const double FieldAreaDeg2 = 9.6;

    private readonly IReadOnlyList<UnitVector>? _cellCenters;
    private readonly double _cosCircumradius;

    private SkyPreset(string name, double areaDeg2, string description)
    {
        Name = name;
        AreaDeg2 = areaDeg2;
        RadiusDeg = Math.Sqrt(areaDeg2 / Math.PI);
        Center = SkyPosition.FromDegrees(60.0, -62.0);
        Description = description;
        Tiles = [this];
    }

    /// <summary>A field of a tiled preset: the cell of <paramref name="centers"/>[<paramref name="index"/>].</summary>
    private SkyPreset(string name, string description, IReadOnlyList<UnitVector> centers, int index, double circumradiusDeg)
    {
        Name = name;
        Description = description;
        Center = centers[index].ToSkyPosition();
        RadiusDeg = circumradiusDeg;
        TileIndex = index;
        _cellCenters = centers;
        _cosCircumradius = Math.Cos(circumradiusDeg * Math.PI / 180.0);
        Tiles = [this];
        AreaDeg2 = MeasureArea();
    }

    /// <summary>A preset made of fields: its area is theirs, its disc the one that holds them.</summary>
    private SkyPreset(string name, string description, Func<SkyPreset, IReadOnlyList<SkyPreset>> tiles)
    {
        Name = name;
        Description = description;
        Center = SkyPosition.FromDegrees(60.0, -62.0);
        Tiles = tiles(this);
        AreaDeg2 = Tiles.Sum(t => t.AreaDeg2);
        RadiusDeg = Tiles.Max(t => AngularDistance.Degrees(Center, t.Center) + t.RadiusDeg);
    }

    /// <summary>For tests: 0.05 deg^2, a few seconds to generate and load.</summary>
    public static SkyPreset Tiny { get; } = new("tiny", 0.05, "0.05 deg^2, for tests");

    /// <summary>The main job: 1 deg^2.</summary>
    public static SkyPreset Demo { get; } = new("demo", 1.0, "1 deg^2, the main job");

    /// <summary>One LSST field of view: 9.6 deg^2, the production-shaped APDB.</summary>
    public static SkyPreset Fov { get; } = new("fov", 9.6, "9.6 deg^2, one LSST field of view");

    /// <summary>
    /// Many LSST fields: 16 hexagonal cells around fov's centre, the inner ones 9.6 deg^2 (163 deg^2 of contiguous sky), each
    /// with its own history, so the APDB holds many times the rows a visit reads. A benchmark preset, too large for
    /// tests. The pipeline and the benches run on its central field (<see cref="Tiles"/>[0]).
    /// </summary>
    public static SkyPreset Survey { get; } = new("survey", "163 deg^2: 16 contiguous LSST fields, for benchmarks (48 GB at 12 months)", s => HexagonalFields(s, FieldAreaDeg2, 16));

    /// <summary>Every preset, smallest first.</summary>
    public static IReadOnlyList<SkyPreset> All { get; } = [Tiny, Demo, Fov, Survey];

    /// <summary>The preset's name (tiny, demo, fov, survey).</summary>
    public string Name { get; }

    /// <summary>
    /// The fields whose histories make up the preset, the central one first: a preset of one field lists itself.
    /// Each field's history is generated on its own (its own truth, cadence and seed, <see cref="TileSeed"/>).
    /// </summary>
    public IReadOnlyList<SkyPreset> Tiles { get; }

    /// <summary>This field's position in its preset's <see cref="Tiles"/> (0 for a preset of one field).</summary>
    public int TileIndex { get; }

    /// <summary>Whether the preset is made of several fields.</summary>
    public bool IsTiled => Tiles.Count > 1;

    /// <summary>Whether this is one field of a tiled preset, whose region is its cell rather than its whole disc.</summary>
    public bool IsTiledField => _cellCenters is not null;

    /// <summary>The region's area in square degrees.</summary>
    public double AreaDeg2 { get; }

    /// <summary>The region's radius in degrees (the region is a disc in the tangent plane at <see cref="Center"/>).</summary>
    public double RadiusDeg { get; }

    /// <summary>The region's centre.</summary>
    public SkyPosition Center { get; }

    /// <summary>One line for help texts.</summary>
    public string Description { get; }

    /// <summary>
    /// Whether a point of the disc (<see cref="Center"/>, <see cref="RadiusDeg"/>) belongs to the region: always for a
    /// preset of one field; for a field of a tiled preset, when this field's centre is the nearest of all the fields'
    /// centres (angular distance on the sphere), so the fields partition the sky with neither gaps nor overlaps.
    /// </summary>
    public bool Contains(double x, double y, double z)
    {
        if (_cellCenters is null)
        {
            return true;
        }

        var own = _cellCenters[TileIndex];
        var ownDot = (x * own.X) + (y * own.Y) + (z * own.Z);
        if (ownDot < _cosCircumradius)
        {
            return false;
        }

        for (var k = 0; k < _cellCenters.Count; k++)
        {
            var c = _cellCenters[k];
            if (k != TileIndex && (x * c.X) + (y * c.Y) + (z * c.Z) > ownDot)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The seed of field <paramref name="tile"/>'s history: the preset's seed for the central field, a distinct one for
    /// each other field, so no two fields repeat each other's sky.
    /// </summary>
    public static long TileSeed(long seed, int tile) =>
        tile == 0 ? seed : unchecked(seed ^ (long)(0x9E37_79B9_7F4A_7C15UL * (ulong)tile));

    /// <summary>The preset with this name (case-insensitive), or null.</summary>
    public static SkyPreset? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// A preset of <paramref name="fields"/> contiguous fields of <paramref name="fieldAreaDeg2"/> each, made as
    /// <see cref="Survey"/> is; for tests of what a tiled preset does, at a size they can afford.
    /// </summary>
    internal static SkyPreset Tiled(string name, double fieldAreaDeg2, int fields) =>
        new(name, string.Create(CultureInfo.InvariantCulture, $"{fields} fields of {fieldAreaDeg2} deg^2"), s => HexagonalFields(s, fieldAreaDeg2, fields));

    /// <summary>
    /// The first <paramref name="count"/> (at most 16) cells of a hexagonal lattice in the tangent plane at the preset's
    /// centre: the centre, its 6 neighbours, the 6 at sqrt(3) spacings and 3 of the 6 at two spacings (every other
    /// one), so every prefix is contiguous. The spacing makes an inner cell's area <paramref name="fieldAreaDeg2"/>;
    /// the outer cells extend to their circumradius where no neighbour bounds them.
    /// </summary>
    private static IReadOnlyList<SkyPreset> HexagonalFields(SkyPreset survey, double fieldAreaDeg2, int count)
    {
        var spacingDeg = Math.Sqrt(2.0 * fieldAreaDeg2 / Math.Sqrt(3.0));
        var offsets = new List<(double Distance, double AngleDeg)> { (0, 0) };
        offsets.AddRange(Enumerable.Range(0, 6).Select(k => (spacingDeg, 60.0 * k)));
        offsets.AddRange(Enumerable.Range(0, 6).Select(k => (Math.Sqrt(3.0) * spacingDeg, 30.0 + (60.0 * k))));
        offsets.AddRange(Enumerable.Range(0, 3).Select(k => (2.0 * spacingDeg, 120.0 * k)));
        var frame = new TangentFrame(survey.Center);
        var centers = offsets
            .Take(count)
            .Select(o => frame.Unproject(o.Distance * 3600.0 * Math.Cos(o.AngleDeg * Math.PI / 180.0), o.Distance * 3600.0 * Math.Sin(o.AngleDeg * Math.PI / 180.0)))
            .ToArray();
        var circumradiusDeg = spacingDeg / Math.Sqrt(3.0);
        return [.. Enumerable.Range(0, centers.Length).Select(k =>
            new SkyPreset(survey.Name, string.Create(CultureInfo.InvariantCulture, $"field {k} of {survey.Name}"), centers, k, circumradiusDeg))];
    }

    /// <summary>The field's area: the fraction of a fine grid over its disc that it contains, times the disc's area.</summary>
    private double MeasureArea()
    {
        int inDisc = 0, inField = 0;
        foreach (var v in RegionGrid.DiscPoints(this, perRadius: 200))
        {
            inDisc++;
            inField += Contains(v.X, v.Y, v.Z) ? 1 : 0;
        }

        return Math.PI * RadiusDeg * RadiusDeg * inField / inDisc;
    }
}
