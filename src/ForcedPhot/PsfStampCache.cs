using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Apdb.Imaging;

namespace Apdb.ForcedPhot;

/// <summary>
/// Stamps of a spatially constant PSF on a grid of sub-pixel phases (N per pixel, N+1 per axis over [-0.5, 0.5]),
/// computed once per batch; a position takes its nearest phase, a position error of at most 1/(2N) pixel (flux error
/// ~ (1/2N)^2 / (4 sigma^2): 3e-5 for N = 64, 1.2e-4 for N = 32 at sigma = 1.3 px). Separable PSFs keep one 1-D
/// profile per phase (N = 64, a few kB) and compose each stamp as an outer product when asked; others keep full
/// stamps, at most 32 phases per pixel (1089 stamps), a pixelized PSF's computed on first use.
/// </summary>
internal sealed class PsfStampCache
{
    private const int MaxFullStampPhases = 32;
    private readonly float[] _data;
    private readonly int _phases;
    private readonly int _size;
    private readonly bool _separable;
    private readonly PixelizedPsf? _pixelized;
    private readonly int _halfWidth;
    private readonly int[]? _ready;
    private readonly double[]?[]? _weights;
    private readonly double[]?[]? _rows;

    public PsfStampCache(Psf psf, int halfWidth, int phasesPerPixel)
    {
        _size = (2 * halfWidth) + 1;
        _separable = psf.IsSeparable;
        _phases = _separable ? phasesPerPixel : Math.Min(phasesPerPixel, MaxFullStampPhases);
        var perAxis = _phases + 1;
        if (_separable)
        {
            _data = new float[perAxis * _size];
            for (var k = 0; k < perAxis; k++)
            {
                psf.ComputeProfile(((double)k / _phases) - 0.5, halfWidth, _data.AsSpan(k * _size, _size));
            }

            return;
        }

        var length = _size * _size;
        _data = new float[perAxis * perAxis * length];
        if (psf is PixelizedPsf pixelized)
        {
            // Computed on first use: a call with K targets pays for at most min(K, (N+1)^2) stamps (computing all of them
            // up front was the whole cost of a small call), each one y-pass over rows shifted once per x phase.
            _pixelized = pixelized;
            _halfWidth = halfWidth;
            _ready = new int[perAxis * perAxis];
            _weights = new double[perAxis][];
            _rows = new double[perAxis][];
            return;
        }

        Parallel.For(0, perAxis * perAxis, k =>
        {
            // Offset +0.5 (the last phase) must stay +0.5: ComputeStamp rounds a position of exactly 0.5 up to the next
            // pixel and would return the -0.5 stamp, one pixel off, for the 1/(2N) of positions that land there.
            var dy = Math.Min(((double)(k / perAxis) / _phases) - 0.5, 0.5 - 1e-9);
            var dx = Math.Min(((double)(k % perAxis) / _phases) - 0.5, 0.5 - 1e-9);
            psf.ComputeStamp(dx, dy, halfWidth, _data.AsSpan(k * length, length));
        });
    }

    /// <summary>Whether stamps are outer products of cached 1-D profiles (<see cref="Separable"/>) rather than full stamps (<see cref="Full"/>).</summary>
    public bool IsSeparable => _separable;

    /// <summary>The stamp for offset (dx, dy) of a separable PSF, as its two profiles (nothing composed).</summary>
    public SeparablePsf Separable(double dx, double dy)
    {
        if (!_separable)
        {
            throw new InvalidOperationException("the cached PSF is not separable");
        }

        return new SeparablePsf(_data, Phase(dx) * _size, Phase(dy) * _size, _size);
    }

    /// <summary>The stamp for offset (dx, dy) of a non-separable PSF, in place in the cache.</summary>
    public StampPsf Full(double dx, double dy)
    {
        if (_separable)
        {
            throw new InvalidOperationException("the cached PSF is separable: use Separable");
        }

        return new StampPsf(_data, ReadyStamp(Phase(dx), Phase(dy)) * _size * _size, _size);
    }

    private int Phase(double offset) => Math.Clamp((int)Math.Round((offset + 0.5) * _phases), 0, _phases);

    /// <summary>The index of the full stamp for phases (ix, iy), computed first if it is built lazily and not yet.</summary>
    private int ReadyStamp(int ix, int iy)
    {
        var index = (iy * (_phases + 1)) + ix;
        if (_ready is not null && Volatile.Read(ref _ready[index]) == 0)
        {
            Compute(ix, iy, index);
        }

        return index;
    }

    /// <summary>The stamp for offset (dx, dy); composed into <paramref name="buffer"/> for separable PSFs.</summary>
    public ReadOnlySpan<float> Get(double dx, double dy, Span<float> buffer)
    {
        var (ix, iy) = (Phase(dx), Phase(dy));
        var length = _size * _size;
        if (!_separable)
        {
            return _data.AsSpan(ReadyStamp(ix, iy) * length, length);
        }

        ReadOnlySpan<float> gx = _data.AsSpan(ix * _size, _size);
        ReadOnlySpan<float> gy = _data.AsSpan(iy * _size, _size);
        var stamp = buffer[..length];
        for (var j = 0; j < _size; j++)
        {
            Scale(gx, gy[j], stamp.Slice(j * _size, _size));
        }

        return stamp;
    }

    /// <summary>
    /// Computes a lazily built stamp. Threads racing on one stamp write identical values, and a reader uses it only
    /// after seeing its ready flag, published after the values.
    /// </summary>
    private void Compute(int ix, int iy, int index)
    {
        var rows = Volatile.Read(ref _rows![ix]) ?? Publish(ref _rows[ix], _pixelized!.PhaseRows(Weights(ix), _halfWidth));
        var length = _size * _size;
        _pixelized!.PhaseStamp(rows, Weights(iy), _halfWidth, _data.AsSpan(index * length, length));
        Volatile.Write(ref _ready![index], 1);
    }

    private double[] Weights(int k) => Volatile.Read(ref _weights![k]) ?? Publish(ref _weights[k], _pixelized!.PhaseWeights(_phases, _halfWidth, k));

    private static double[] Publish(ref double[]? slot, double[] value) => Interlocked.CompareExchange(ref slot, value, null) ?? value;

    // Vector stores into spans have no ReadyToRun code (./apdb publishes precompiled): without this the method ran at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.Create(source.Slice(i, Vector256<float>.Count)) * f).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] * factor;
        }
    }
}
