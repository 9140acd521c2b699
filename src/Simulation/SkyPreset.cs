using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// A named simulation size: a disc of sky (the region the history covers) and its centre. The centre is at
/// declination -62, circumpolar from Cerro Pachon (latitude -30.24), so the field is observable in every month.
/// </summary>
public sealed class SkyPreset
{
    private SkyPreset(string name, double areaDeg2, string description)
    {
        Name = name;
        AreaDeg2 = areaDeg2;
        RadiusDeg = Math.Sqrt(areaDeg2 / Math.PI);
        Center = SkyPosition.FromDegrees(60.0, -62.0);
        Description = description;
    }

    /// <summary>For tests: 0.05 deg^2, a few seconds to generate and load.</summary>
    public static SkyPreset Tiny { get; } = new("tiny", 0.05, "0.05 deg^2, for tests");

    /// <summary>The main job: 1 deg^2.</summary>
    public static SkyPreset Demo { get; } = new("demo", 1.0, "1 deg^2, the main job");

    /// <summary>One LSST field of view: 9.6 deg^2, the production-shaped APDB.</summary>
    public static SkyPreset Fov { get; } = new("fov", 9.6, "9.6 deg^2, one LSST field of view");

    /// <summary>Every preset, smallest first.</summary>
    public static IReadOnlyList<SkyPreset> All { get; } = [Tiny, Demo, Fov];

    /// <summary>The preset's name (tiny, demo, fov).</summary>
    public string Name { get; }

    /// <summary>The region's area in square degrees.</summary>
    public double AreaDeg2 { get; }

    /// <summary>The region's radius in degrees (the region is a disc in the tangent plane at <see cref="Center"/>).</summary>
    public double RadiusDeg { get; }

    /// <summary>The region's centre.</summary>
    public SkyPosition Center { get; }

    /// <summary>One line for help texts.</summary>
    public string Description { get; }

    /// <summary>The preset with this name (case-insensitive), or null.</summary>
    public static SkyPreset? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => Name;
}
