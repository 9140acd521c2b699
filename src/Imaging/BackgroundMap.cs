namespace Apdb.Imaging;

/// <summary>
/// A smooth background: level and RMS on a grid of square meshes, bilinearly interpolated between mesh centres
/// (constant beyond the outermost centres), as SExtractor and SEP do.
/// </summary>
public sealed class BackgroundMap
{
    internal BackgroundMap(int width, int height, int meshSize, int nx, int ny, float[] level, float[] rms)
    {
        Width = width;
        Height = height;
        MeshSize = meshSize;
        MeshesX = nx;
        MeshesY = ny;
        MeshLevel = level;
        MeshRms = rms;
        var sorted = rms.Where(float.IsFinite).Order().ToArray();
        GlobalRms = sorted.Length == 0 ? float.NaN : sorted[sorted.Length / 2];
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
    public void FillRow(int y, Span<float> level, Span<float> rms)
    {
        var (j0, j1, ty) = Bracket(y, MeshesY, Height);
        for (var x = 0; x < Width; x++)
        {
            var (i0, i1, tx) = Bracket(x, MeshesX, Width);
            level[x] = Bilinear(MeshLevel, i0, i1, j0, j1, tx, ty);
            rms[x] = Bilinear(MeshRms, i0, i1, j0, j1, tx, ty);
        }
    }

    /// <summary>The interpolated level and RMS images.</summary>
    public (float[] Level, float[] Rms) ToImages()
    {
        var level = new float[Width * Height];
        var rms = new float[Width * Height];
        Parallel.For(0, Height, y => FillRow(y, level.AsSpan(y * Width, Width), rms.AsSpan(y * Width, Width)));
        return (level, rms);
    }

    private float Bilinear(IReadOnlyList<float> grid, int i0, int i1, int j0, int j1, float tx, float ty)
    {
        var a = grid[(j0 * MeshesX) + i0];
        var b = grid[(j0 * MeshesX) + i1];
        var c = grid[(j1 * MeshesX) + i0];
        var d = grid[(j1 * MeshesX) + i1];
        return ((1 - ty) * (((1 - tx) * a) + (tx * b))) + (ty * (((1 - tx) * c) + (tx * d)));
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
