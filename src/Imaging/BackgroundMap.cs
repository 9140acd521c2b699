using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Apdb.Imaging;

/// <summary>
/// A smooth background: level and RMS on a grid of square meshes, bilinearly interpolated between mesh centres
/// (constant beyond the outermost centres), as SExtractor and SEP do.
/// </summary>
public sealed class BackgroundMap
{
    private readonly float[] _level;
    private readonly float[] _rms;
    private readonly double _step;
    private readonly int[] _segmentStart;

    internal BackgroundMap(int width, int height, int meshSize, int nx, int ny, float[] level, float[] rms)
    {
        Width = width;
        Height = height;
        MeshSize = meshSize;
        MeshesX = nx;
        MeshesY = ny;
        MeshLevel = level;
        MeshRms = rms;
        _level = level;
        _rms = rms;

        // Pixel x lies between mesh centres i and i+1 when i <= u(x) < i+1, u(x) = (x + 0.5) / step - 0.5; segment i
        // starts at the first such x (segment "nx - 1" is the constant run beyond the last centre).
        _step = (double)width / nx;
        _segmentStart = new int[nx];
        for (var i = 0; i < nx; i++)
        {
            _segmentStart[i] = Math.Clamp((int)Math.Ceiling(((i + 0.5) * _step) - 0.5), 0, width);
        }
        GlobalRms = MedianOfFinite(rms);
    }

    /// <summary>
    /// The upper median of the finite values, as a stable sort gives it: among equal values (-0 and +0) the one first in
    /// the grid. A plain sort and loops rather than LINQ's OrderBy, whose generic instantiations cost milliseconds to
    /// compile in a process that builds one map.
    /// </summary>
    private static float MedianOfFinite(float[] values)
    {
        var finite = new List<float>(values.Length);
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                finite.Add(v);
            }
        }

        if (finite.Count == 0)
        {
            return float.NaN;
        }

        var k = finite.Count / 2;
        var sorted = finite.ToArray();
        Array.Sort(sorted);
        var median = sorted[k];
        if (median != 0)
        {
            return median;
        }

        // A zero: the (k - below)-th zero of the grid in its order, below = the values under zero.
        var below = 0;
        foreach (var v in finite)
        {
            below += v < 0 ? 1 : 0;
        }

        foreach (var v in finite)
        {
            if (v == 0 && below++ == k)
            {
                return v;
            }
        }

        return median;
    }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Mesh side, pixels.</summary>
    public int MeshSize { get; }

    /// <summary>Meshes along x.</summary>
    public int MeshesX { get; }

    /// <summary>Meshes along y.</summary>
    public int MeshesY { get; }

    /// <summary>Background level per mesh (row-major).</summary>
    public IReadOnlyList<float> MeshLevel { get; }

    /// <summary>Background RMS per mesh (row-major).</summary>
    public IReadOnlyList<float> MeshRms { get; }

    /// <summary>The median mesh RMS.</summary>
    public float GlobalRms { get; }

    /// <summary>Fills one image row of the interpolated level and RMS.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillRow(int y, Span<float> level, Span<float> rms)
    {
        if ((uint)y >= (uint)Height || level.Length < Width || rms.Length < Width)
        {
            throw new ArgumentException($"row {y} of a {Width} x {Height} background needs {Width}-pixel outputs (level {level.Length}, rms {rms.Length})");
        }

        // Interpolate the two bracketing mesh rows along y once per row (nx values), then along x segment by segment:
        // between two mesh centres the value is linear in x, A + B x, evaluated 8 pixels at a time.
        var nx = MeshesX;
        Span<float> rowLevel = nx <= 512 ? stackalloc float[nx] : new float[nx];
        Span<float> rowRms = nx <= 512 ? stackalloc float[nx] : new float[nx];
        var (j0, j1, ty) = Bracket(y, MeshesY, Height);
        for (var i = 0; i < nx; i++)
        {
            rowLevel[i] = ((1 - ty) * _level[(j0 * nx) + i]) + (ty * _level[(j1 * nx) + i]);
            rowRms[i] = ((1 - ty) * _rms[(j0 * nx) + i]) + (ty * _rms[(j1 * nx) + i]);
        }

        Interpolate(rowLevel, level[..Width]);
        Interpolate(rowRms, rms[..Width]);
    }

    /// <summary>Fills one image row of the interpolated level alone (as <see cref="FillRow"/> does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void FillLevelRow(int y, Span<float> level)
    {
        if ((uint)y >= (uint)Height || level.Length < Width)
        {
            throw new ArgumentException($"row {y} of a {Width} x {Height} background needs a {Width}-pixel output (level {level.Length})");
        }

        var nx = MeshesX;
        Span<float> rowLevel = nx <= 512 ? stackalloc float[nx] : new float[nx];
        var (j0, j1, ty) = Bracket(y, MeshesY, Height);
        for (var i = 0; i < nx; i++)
        {
            rowLevel[i] = ((1 - ty) * _level[(j0 * nx) + i]) + (ty * _level[(j1 * nx) + i]);
        }

        Interpolate(rowLevel, level[..Width]);
    }

    /// <summary>The interpolated level and RMS images.</summary>
    public (float[] Level, float[] Rms) ToImages()
    {
        var level = new float[Width * Height];
        var rms = new float[Width * Height];
        Parallel.For(0, Height, y => FillRow(y, level.AsSpan(y * Width, Width), rms.AsSpan(y * Width, Width)));
        return (level, rms);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Interpolate(ReadOnlySpan<float> meshRow, Span<float> output)
    {
        var nx = MeshesX;
        var first = _segmentStart[0];
        output[..first].Fill(meshRow[0]);
        for (var i = 0; i + 1 < nx; i++)
        {
            // u(x) = (x + 0.5) / step - 0.5; value = a_i + (u - i) (a_{i+1} - a_i) = A + B x.
            var d = meshRow[i + 1] - meshRow[i];
            var b = (float)(d / _step);
            var a = (float)(meshRow[i] + (d * ((0.5 / _step) - 0.5 - i)));
            Linear(output, _segmentStart[i], _segmentStart[i + 1], a, b);
        }

        output[_segmentStart[nx - 1]..].Fill(meshRow[nx - 1]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Linear(Span<float> output, int from, int to, float a, float b)
    {
        var x = from;
        if (Vector256.IsHardwareAccelerated && to - from >= Vector256<float>.Count)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            var vx = Vector256.Create((float)from) + Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
            var eight = Vector256.Create(8f);
            ref var o = ref MemoryMarshal.GetReference(output);
            for (; x <= to - Vector256<float>.Count; x += Vector256<float>.Count)
            {
                (va + (vb * vx)).StoreUnsafe(ref o, (nuint)x);
                vx += eight;
            }
        }

        for (; x < to; x++)
        {
            output[x] = a + (b * x);
        }
    }

    private (int I0, int I1, float T) Bracket(int p, int meshes, int extent)
    {
        // Mesh k covers [k*extent/meshes, (k+1)*extent/meshes); its centre is the middle of that range.
        var step = (double)extent / meshes;
        var u = ((p + 0.5) / step) - 0.5;
        if (u <= 0)
        {
            return (0, 0, 0);
        }

        if (u >= meshes - 1)
        {
            return (meshes - 1, meshes - 1, 0);
        }

        var i0 = (int)u;
        return (i0, i0 + 1, (float)(u - i0));
    }
}
