using System.Reflection;
using Apdb.Imaging;
using Apdb.Records;
using Apdb.Sky;

namespace Apdb.Alerts.Tests;

/// <summary>Records with every property set to a value of its own, and a small exposure with a WCS.</summary>
internal static class Samples
{
    /// <summary>Sets every settable property of <paramref name="row"/> to a distinct value derived from <paramref name="seed"/>.</summary>
    public static T Filled<T>(T row, int seed)
        where T : class
    {
        var k = 0;
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            k++;
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object value = type switch
            {
                _ when type == typeof(long) => (long)((seed * 1000) + k) << 20,
                _ when type == typeof(int) => (seed * 100) + k,
                _ when type == typeof(short) => (short)((seed * 10) + k),
                _ when type == typeof(double) => seed + (k / 7.0),
                _ when type == typeof(float) => (float)(seed + (k / 3.0)),
                _ when type == typeof(bool) => (k + seed) % 2 == 0,
                _ when type == typeof(string) => p.Name == "Band" ? "r" : $"s{seed}-{k}",
                _ => throw new InvalidOperationException($"no sample value for {typeof(T).Name}.{p.Name} ({type})"),
            };
            p.SetValue(row, value);
        }

        return row;
    }

    public static DiaSource Source(long id, long objectId, double mjd, int seed = 1)
    {
        var s = Filled(new DiaSource(), seed);
        s.DiaSourceId = id;
        s.DiaObjectId = objectId;
        s.MidpointMjdTai = mjd;
        s.X = 50;
        s.Y = 40;
        s.BboxSize = 12;
        return s;
    }

    public static DiaObject Object(long id, int seed = 2)
    {
        var o = Filled(new DiaObject(), seed);
        o.DiaObjectId = id;
        return o;
    }

    public static DiaForcedSource Forced(long id, long objectId, double mjd, int seed = 3)
    {
        var f = Filled(new DiaForcedSource(), seed);
        f.DiaForcedSourceId = id;
        f.DiaObjectId = objectId;
        f.MidpointMjdTai = mjd;
        return f;
    }

    /// <summary>A 120 x 100 exposure at 0.2"/pixel around (150, -30) deg, pixel (x, y) = 1000 y + x, variance 4, mask bit 1 on x = 7.</summary>
    public static Exposure Exposure(double nanojanskyPerCount = 1.0)
    {
        const int W = 120;
        const int H = 100;
        var image = new float[W * H];
        var variance = new float[W * H];
        var mask = new int[W * H];
        for (var y = 0; y < H; y++)
        {
            for (var x = 0; x < W; x++)
            {
                image[(y * W) + x] = (1000 * y) + x;
                variance[(y * W) + x] = 4;
                mask[(y * W) + x] = x == 7 ? 1 : 0;
            }
        }

        var scale = 0.2 / 3600;
        return new Exposure(W, H, image, variance, mask)
        {
            Wcs = new TanWcs(60.5, 50.5, SkyPosition.FromDegrees(150, -30), [-scale, 0, 0, scale]),
            PhotoCalib = new PhotoCalib(nanojanskyPerCount),
        };
    }
}
