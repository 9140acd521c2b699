using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Apdb.Frontend.Convolution;

/// <summary>
/// Convolution (zero outside the image) with a kernel that is a sum of separable terms whose x factors may vary linearly
/// across the image, done one output row at a time: output(x, y) = sum_r sum_t G_r(t; x, y) C_b(r)(x + t - h_r, y) with
/// G_r = Constant_r + v(y) PerV_r + u(x) PerU_r, where the column buffers C_b(x, y) = sum_s P_b(s) I(x, y + s - h_b)
/// are the input convolved along y with each column profile. Each output row's column buffers are computed from the
/// input rows around it (no intermediate plane, no halo rows), then every row term is summed in registers and the row is
/// written once. Column profiles that share a length are applied in one pass over their input rows. The terms' order of
/// summation differs from a row pass then a column pass only by float rounding.
/// </summary>
internal sealed class SeparableSum
{
    private const int RowsPerJob = 16;

    private readonly ColumnGroup[] _groups;
    private readonly RowTerm[] _terms;
    private readonly int _buffers;
    private readonly int _pad;
    private readonly bool _perU;

    /// <summary>Creates the convolution.</summary>
    /// <param name="groups">Column profiles, grouped by length (odd): buffer b is the b-th profile in group order.</param>
    /// <param name="terms">Row terms, each reading one buffer.</param>
    public SeparableSum(IReadOnlyList<ColumnGroup> groups, IReadOnlyList<RowTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(terms);
        _groups = [.. groups];
        _terms = [.. terms];
        _buffers = _groups.Sum(g => g.Profiles.Length);
        foreach (var g in _groups)
        {
            if (g.Profiles.Any(p => p.Length != (2 * g.Half) + 1))
            {
                throw new ArgumentException($"every profile of a column group of half-width {g.Half} needs {(2 * g.Half) + 1} values");
            }
        }

        foreach (var t in _terms)
        {
            var n = t.Constant.Length;
            if ((n & 1) == 0 || (uint)t.Buffer >= (uint)_buffers || (t.PerV is not null && t.PerV.Length != n) || (t.PerU is not null && t.PerU.Length != n))
            {
                throw new ArgumentException($"a row term needs odd-length kernels of one length and a buffer below {_buffers}");
            }
        }

        _perU = _terms.Any(t => t.PerU is not null);
        _pad = _terms.Length == 0 ? 0 : _terms.Max(t => t.Constant.Length / 2);
    }

    /// <summary>
    /// The widest vectors used (512, 256, or 0 for scalar only), capped by the hardware; every width gives the same
    /// result to float rounding (tests run each path).
    /// </summary>
    public int VectorBits { get; init; } = 512;

    private bool Use512 => VectorBits >= 512 && Lanes512.IsHardwareAccelerated;

    private bool Use256 => VectorBits >= 256 && Lanes256.IsHardwareAccelerated;

    /// <summary>The input's column buffers: profiles of one length applied together.</summary>
    /// <param name="Half">Half-length of every profile.</param>
    /// <param name="Profiles">The profiles, applied as sum_s P(s) I(y + s - Half).</param>
    public sealed record ColumnGroup(int Half, float[][] Profiles);

    /// <summary>One row term: the buffer it reads and its x kernel's parts (constant, times v(y), times u(x)).</summary>
    public sealed record RowTerm(int Buffer, float[] Constant, float[]? PerV = null, float[]? PerU = null);

    /// <summary>
    /// Convolves <paramref name="input"/> (width x height) into <paramref name="output"/>; u(x) = u0 + du x and
    /// v(y) = v0 + dv y weight the terms' PerU and PerV parts. Rows run in parallel.
    /// </summary>
    public void Apply(float[] input, int width, int height, float[] output, (double U0, double Du, double V0, double Dv) spatial = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.Length < width * height || output.Length < width * height)
        {
            throw new ArgumentException($"a {width} x {height} image needs {width * height} values; got {input.Length} in and {output.Length} out");
        }

        var u = new float[width];
        for (var x = 0; x < width; x++)
        {
            u[x] = (float)(spatial.U0 + (spatial.Du * x));
        }

        var jobs = (height + RowsPerJob - 1) / RowsPerJob;
        Parallel.For(0, jobs, () => new Workspace(this, width), (job, _, ws) =>
        {
            var y1 = Math.Min(height, (job + 1) * RowsPerJob);
            for (var y = job * RowsPerJob; y < y1; y++)
            {
                ColumnStage(input, width, height, y, ws);
                var v = spatial.V0 + (spatial.Dv * y);
                var c = 0;
                foreach (var t in _terms)
                {
                    for (var i = 0; i < t.Constant.Length; i++)
                    {
                        ws.RowConstant[c + i] = t.PerV is null ? t.Constant[i] : (float)(t.Constant[i] + (v * t.PerV[i]));
                    }

                    c += t.Constant.Length;
                }

                RowStage(ws, width, u, output.AsSpan(y * width, width));
            }

            return ws;
        }, _ => { });
    }

    /// <summary>Fills every column buffer for output row <paramref name="y"/>.</summary>
    private void ColumnStage(float[] input, int w, int h, int y, Workspace ws)
    {
        var b = 0;
        foreach (var g in _groups)
        {
            // Taps whose input row lies inside the image.
            var t0 = Math.Max(0, g.Half - y);
            var t1 = Math.Min((2 * g.Half) + 1, h - y + g.Half);
            var rows = input.AsSpan((y + t0 - g.Half) * w, Math.Max(t1 - t0, 0) * w);
            var p = 0;
            while (p < g.Profiles.Length)
            {
                var n = Math.Min(3, g.Profiles.Length - p);
                // Every output row has at least its own input row (t = Half), so t1 > t0.
                var k0 = g.Profiles[p].AsSpan(t0, t1 - t0);
                var d0 = ws.Buffers[b + p].AsSpan(_pad, w);
                var k1 = n > 1 ? g.Profiles[p + 1].AsSpan(t0, t1 - t0) : default;
                var k2 = n > 2 ? g.Profiles[p + 2].AsSpan(t0, t1 - t0) : default;
                var d1 = n > 1 ? ws.Buffers[b + p + 1].AsSpan(_pad, w) : default;
                var d2 = n > 2 ? ws.Buffers[b + p + 2].AsSpan(_pad, w) : default;
                if (Use512)
                {
                    Columns<Lanes512>(rows, w, n, k0, k1, k2, d0, d1, d2);
                }
                else if (Use256)
                {
                    Columns<Lanes256>(rows, w, n, k0, k1, k2, d0, d1, d2);
                }
                else
                {
                    ColumnsScalar(rows, w, n, k0, k1, k2, d0, d1, d2);
                }

                p += n;
            }

            b += g.Profiles.Length;
        }
    }

    /// <summary>
    /// One to three column profiles over the same rows, two vectors of columns per step (up to six independent chains;
    /// each load serves every profile), scalar for the last columns: d_k[x] = sum_t k_k[t] rows[t * w + x].
    /// </summary>
    internal static void Columns<TV>(ReadOnlySpan<float> rows, int w, int n, ReadOnlySpan<float> k0, ReadOnlySpan<float> k1, ReadOnlySpan<float> k2,
        Span<float> d0, Span<float> d1, Span<float> d2)
        where TV : struct, IFloatLanes<TV>
    {
        var l = TV.Count;
        var taps = k0.Length;
        ref var src = ref MemoryMarshal.GetReference(rows);
        ref var c0 = ref MemoryMarshal.GetReference(k0);
        ref var c1 = ref MemoryMarshal.GetReference(k1);
        ref var c2 = ref MemoryMarshal.GetReference(k2);
        var x = 0;
        for (; x + (2 * l) <= w; x += 2 * l)
        {
            TV a0 = TV.Zero, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0;
            ref var column = ref Unsafe.Add(ref src, x);
            for (var t = 0; t < taps; t++)
            {
                ref var row = ref Unsafe.Add(ref column, t * w);
                var p = TV.Load(ref row, 0);
                var q = TV.Load(ref row, (nuint)l);
                var w0 = TV.Broadcast(Unsafe.Add(ref c0, t));
                a0 = TV.FusedMultiplyAdd(p, w0, a0);
                b0 = TV.FusedMultiplyAdd(q, w0, b0);
                if (n > 1)
                {
                    var w1 = TV.Broadcast(Unsafe.Add(ref c1, t));
                    a1 = TV.FusedMultiplyAdd(p, w1, a1);
                    b1 = TV.FusedMultiplyAdd(q, w1, b1);
                    if (n > 2)
                    {
                        var w2 = TV.Broadcast(Unsafe.Add(ref c2, t));
                        a2 = TV.FusedMultiplyAdd(p, w2, a2);
                        b2 = TV.FusedMultiplyAdd(q, w2, b2);
                    }
                }
            }

            a0.Store(ref MemoryMarshal.GetReference(d0), (nuint)x);
            b0.Store(ref MemoryMarshal.GetReference(d0), (nuint)(x + l));
            if (n > 1)
            {
                a1.Store(ref MemoryMarshal.GetReference(d1), (nuint)x);
                b1.Store(ref MemoryMarshal.GetReference(d1), (nuint)(x + l));
            }

            if (n > 2)
            {
                a2.Store(ref MemoryMarshal.GetReference(d2), (nuint)x);
                b2.Store(ref MemoryMarshal.GetReference(d2), (nuint)(x + l));
            }
        }

        ColumnsScalar(rows, w, n, k0, k1, k2, d0, d1, d2, x);
    }

    /// <summary>The scalar form of <see cref="Columns{TV}"/> from column <paramref name="x"/> on.</summary>
    internal static void ColumnsScalar(ReadOnlySpan<float> rows, int w, int n, ReadOnlySpan<float> k0, ReadOnlySpan<float> k1, ReadOnlySpan<float> k2,
        Span<float> d0, Span<float> d1, Span<float> d2, int x = 0)
    {
        var taps = k0.Length;
        for (; x < w; x++)
        {
            float a0 = 0, a1 = 0, a2 = 0;
            for (var t = 0; t < taps; t++)
            {
                var p = rows[(t * w) + x];
                a0 = MathF.FusedMultiplyAdd(p, k0[t], a0);
                if (n > 1)
                {
                    a1 = MathF.FusedMultiplyAdd(p, k1[t], a1);
                }

                if (n > 2)
                {
                    a2 = MathF.FusedMultiplyAdd(p, k2[t], a2);
                }
            }

            d0[x] = a0;
            if (n > 1)
            {
                d1[x] = a1;
            }

            if (n > 2)
            {
                d2[x] = a2;
            }
        }
    }

    /// <summary>One output row: every term's x kernel over its padded column buffer, summed in registers.</summary>
    private void RowStage(Workspace ws, int w, float[] u, Span<float> output)
    {
        var x = 0;
        if (Use512)
        {
            x = _perU ? RowVectorsU<Lanes512>(ws, w, u, output) : RowVectors<Lanes512>(ws, w, output);
        }
        else if (Use256)
        {
            x = _perU ? RowVectorsU<Lanes256>(ws, w, u, output) : RowVectors<Lanes256>(ws, w, output);
        }

        for (; x < w; x++)
        {
            float a = 0, b = 0;
            var c = 0;
            foreach (var t in _terms)
            {
                var buffer = ws.Buffers[t.Buffer];
                var h = t.Constant.Length / 2;
                for (var i = 0; i < t.Constant.Length; i++)
                {
                    var s = buffer[_pad + x + i - h];
                    a = MathF.FusedMultiplyAdd(s, ws.RowConstant[c + i], a);
                    if (t.PerU is not null)
                    {
                        b = MathF.FusedMultiplyAdd(s, t.PerU[i], b);
                    }
                }

                c += t.Constant.Length;
            }

            output[x] = _perU ? MathF.FusedMultiplyAdd(u[x], b, a) : a;
        }
    }

    /// <summary>
    /// The vector body of <see cref="RowStage"/> without u(x) terms: four vectors of outputs per step (four independent
    /// chains, one broadcast per tap for four loads). Returns the first output not written.
    /// </summary>
    private int RowVectors<TV>(Workspace ws, int w, Span<float> output)
        where TV : struct, IFloatLanes<TV>
    {
        var l = TV.Count;
        ref var dst = ref MemoryMarshal.GetReference(output);
        var x = 0;
        for (; x + (4 * l) <= w; x += 4 * l)
        {
            TV a0 = TV.Zero, a1 = a0, a2 = a0, a3 = a0;
            var c = 0;
            foreach (var term in _terms)
            {
                var n = term.Constant.Length;
                ref var s = ref ws.Buffers[term.Buffer][_pad + x - (n / 2)];
                ref var k = ref ws.RowConstant[c];
                for (var t = 0; t < n; t++)
                {
                    var kt = TV.Broadcast(Unsafe.Add(ref k, t));
                    ref var st = ref Unsafe.Add(ref s, t);
                    a0 = TV.FusedMultiplyAdd(TV.Load(ref st, 0), kt, a0);
                    a1 = TV.FusedMultiplyAdd(TV.Load(ref st, (nuint)l), kt, a1);
                    a2 = TV.FusedMultiplyAdd(TV.Load(ref st, (nuint)(2 * l)), kt, a2);
                    a3 = TV.FusedMultiplyAdd(TV.Load(ref st, (nuint)(3 * l)), kt, a3);
                }

                c += n;
            }

            a0.Store(ref dst, (nuint)x);
            a1.Store(ref dst, (nuint)(x + l));
            a2.Store(ref dst, (nuint)(x + (2 * l)));
            a3.Store(ref dst, (nuint)(x + (3 * l)));
        }

        return x;
    }

    /// <summary>
    /// The vector body of <see cref="RowStage"/> with u(x) terms: two vectors of outputs per step, each with its constant
    /// and its u(x) sum, output = u(x) b + a. Returns the first output not written.
    /// </summary>
    private int RowVectorsU<TV>(Workspace ws, int w, float[] u, Span<float> output)
        where TV : struct, IFloatLanes<TV>
    {
        var l = TV.Count;
        ref var dst = ref MemoryMarshal.GetReference(output);
        ref var uu = ref MemoryMarshal.GetArrayDataReference(u);
        var x = 0;
        for (; x + (2 * l) <= w; x += 2 * l)
        {
            TV a0 = TV.Zero, a1 = a0, b0 = a0, b1 = a0;
            var c = 0;
            foreach (var term in _terms)
            {
                var n = term.Constant.Length;
                ref var s = ref ws.Buffers[term.Buffer][_pad + x - (n / 2)];
                ref var k = ref ws.RowConstant[c];
                ref var q = ref MemoryMarshal.GetArrayDataReference(term.PerU ?? ws.Zeros);
                for (var t = 0; t < n; t++)
                {
                    var kt = TV.Broadcast(Unsafe.Add(ref k, t));
                    var qt = TV.Broadcast(Unsafe.Add(ref q, t));
                    ref var st = ref Unsafe.Add(ref s, t);
                    var p0 = TV.Load(ref st, 0);
                    var p1 = TV.Load(ref st, (nuint)l);
                    a0 = TV.FusedMultiplyAdd(p0, kt, a0);
                    a1 = TV.FusedMultiplyAdd(p1, kt, a1);
                    b0 = TV.FusedMultiplyAdd(p0, qt, b0);
                    b1 = TV.FusedMultiplyAdd(p1, qt, b1);
                }

                c += n;
            }

            TV.FusedMultiplyAdd(TV.Load(ref uu, (nuint)x), b0, a0).Store(ref dst, (nuint)x);
            TV.FusedMultiplyAdd(TV.Load(ref uu, (nuint)(x + l)), b1, a1).Store(ref dst, (nuint)(x + l));
        }

        return x;
    }

    /// <summary>One thread's column buffers (zero pads of the largest row half-width on both sides) and this row's kernels.</summary>
    private sealed class Workspace
    {
        public Workspace(SeparableSum owner, int width)
        {
            Buffers = new float[owner._buffers][];
            for (var b = 0; b < Buffers.Length; b++)
            {
                Buffers[b] = new float[width + (2 * owner._pad)];
            }

            RowConstant = new float[Math.Max(1, owner._terms.Sum(t => t.Constant.Length))];
            Zeros = new float[Math.Max(1, (2 * owner._pad) + 1)];
        }

        public float[][] Buffers { get; }

        public float[] RowConstant { get; }

        public float[] Zeros { get; }
    }
}
