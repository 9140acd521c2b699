using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>A regular grid of points over a preset's region (its disc, or a field's cell), to measure how much of it a visit covers.</summary>
internal sealed class RegionGrid
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _z;

    public RegionGrid(SkyPreset preset, int perRadius = 60)
    {
        var inRegion = DiscPoints(preset, perRadius).Where(v => preset.Contains(v.X, v.Y, v.Z)).ToList();
        _x = [.. inRegion.Select(v => v.X)];
        _y = [.. inRegion.Select(v => v.Y)];
        _z = [.. inRegion.Select(v => v.Z)];
    }

    /// <summary>
    /// The centres of a square grid of <paramref name="perRadius"/> cells a radius over the tangent plane at the
    /// preset's centre that fall inside its disc, as unit vectors: the points of this grid, and of the preset's area.
    /// </summary>
    public static IEnumerable<UnitVector> DiscPoints(SkyPreset preset, int perRadius)
    {
        var frame = new TangentFrame(preset.Center);
        var r = preset.RadiusDeg * 3600.0;
        var h = r / perRadius;
        for (var i = -perRadius; i < perRadius; i++)
        {
            for (var j = -perRadius; j < perRadius; j++)
            {
                double a = (i + 0.5) * h, b = (j + 0.5) * h;
                if (a * a + b * b < r * r)
                {
                    yield return frame.Unproject(a, b);
                }
            }
        }
    }

    public int Count => _x.Length;

    public double CoveredFraction(VisitGeometry geometry)
    {
        var hit = 0;
        for (var i = 0; i < _x.Length; i++)
        {
            if (geometry.TryLocate(_x[i], _y[i], _z[i], out _, out _, out _))
            {
                hit++;
            }
        }

        return (double)hit / _x.Length;
    }
}
