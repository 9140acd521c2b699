namespace Apdb.Simulation.Rendering;

/// <summary>
/// A detector's calibration: bias structure (ADU above the overscan level), dark current (e-/s, hot pixels included),
/// flat field (relative response, mean near 1) and a defect list (bad columns). Per-detector constants, analytic and
/// deterministic for (seed, detector), cut to the rendered window.
/// </summary>
public sealed class CalibrationFrames
{
    internal CalibrationFrames(int width, int height, float[] bias, float[] dark, float[] flat, IReadOnlyList<int> badColumns)
    {
        Width = width;
        Height = height;
        Bias = bias;
        Dark = dark;
        Flat = flat;
        BadColumns = badColumns;
    }

    /// <summary>Width of the frames (the rendered window, without overscan).</summary>
    public int Width { get; }

    /// <summary>Height of the frames.</summary>
    public int Height { get; }

    /// <summary>Bias structure, ADU above the row's overscan level (row-major).</summary>
    public float[] Bias { get; }

    /// <summary>Dark current, electrons per second.</summary>
    public float[] Dark { get; }

    /// <summary>Flat field: relative response.</summary>
    public float[] Flat { get; }

    /// <summary>Bad columns, window x coordinates (0-based).</summary>
    public IReadOnlyList<int> BadColumns { get; }

    /// <summary>The detector's bad column in full-detector x coordinates.</summary>
    public static int BadColumnOf(long seed, int detector) => 300 + (int)(Hash(seed, 0xBADC, (ulong)detector) % 3500UL);

    internal static CalibrationFrames Build(long seed, int detector, int x0, int y0, int width, int height, double darkCurrent)
    {
        var bias = new float[width * height];
        var dark = new float[width * height];
        var flat = new float[width * height];
        const double Half = (CameraLayout.DetectorPixels - 1) / 2.0;
        var columnPattern = new float[width];
        for (var i = 0; i < width; i++)
        {
            columnPattern[i] = (float)(((Hash(seed, 0xB1A5, (ulong)detector, (ulong)(x0 + i)) & 0xFFFF) / 65536.0) - 0.5);
        }

        Parallel.For(0, height, j =>
        {
            var y = y0 + j;
            var rowTerm = 0.8 * Math.Sin(2 * Math.PI * y / 1500.0);
            for (var i = 0; i < width; i++)
            {
                var x = x0 + i;
                var k = (j * width) + i;
                bias[k] = (float)((1.5 * x / CameraLayout.DetectorPixels) + rowTerm + columnPattern[i]);
                var h = Hash(seed, 0xF1A7, (ulong)detector, ((ulong)y << 16) | (uint)x);
                var u = ((h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + ((h >> 48) & 0xFFFF)) / 65536.0;
                var gaussian = (u - 2.0) * Math.Sqrt(3.0); // four uniforms: close enough to a unit normal for pixel response
                var dx = (x - Half) / Half;
                var dy = (y - Half) / Half;
                flat[k] = (float)((1.0 - (0.02 * ((dx * dx) + (dy * dy)))) * (1.0 + (0.01 * gaussian)));
                var hot = Hash(seed, 0xD42C, (ulong)detector, ((ulong)y << 16) | (uint)x);
                dark[k] = (float)darkCurrent + ((hot % 50_000UL) == 0 ? (float)(0.5 + (4.5 * ((hot >> 20) & 0xFFF) / 4096.0)) : 0f);
            }
        });

        var badColumn = BadColumnOf(seed, detector) - x0;
        IReadOnlyList<int> bad = badColumn >= 0 && badColumn < width ? [badColumn] : [];
        return new CalibrationFrames(width, height, bias, dark, flat, bad);
    }

    internal static ulong Hash(long seed, ulong a, ulong b, ulong c = 0)
    {
        var rng = new CounterRng(seed, a, b, c);
        return rng.NextUInt64();
    }
}
