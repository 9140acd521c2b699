namespace Apdb.Simulation;

/// <summary>A regular grid of points over a preset's region (its disc, or a field's cell), to measure how much of it a visit covers.</summary>
internal sealed class RegionGrid
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _z;

    public RegionGrid(SkyPreset preset, int perRadius = 60)
    {
        var frame = new TangentFrame(preset.Center);
        var r = preset.RadiusDeg * 3600.0;
        var h = r / perRadius;
        var xs = new List<double>();
        var ys = new List<double>();
        var zs = new List<double>();
        for (var i = -perRadius; i <= perRadius; i++)
        {
            for (var j = -perRadius; j <= perRadius; j++)
            {
                double a = (i + 0.5) * h, b = (j + 0.5) * h;
                if (a * a + b * b >= r * r)
                {
                    continue;
                }

                var v = frame.Unproject(a, b);
                if (!preset.Contains(v.X, v.Y, v.Z))
                {
                    continue;
                }

                xs.Add(v.X);
                ys.Add(v.Y);
                zs.Add(v.Z);
            }
        }

        _x = [.. xs];
        _y = [.. ys];
        _z = [.. zs];
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
