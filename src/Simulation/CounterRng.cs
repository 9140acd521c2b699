using System.Runtime.CompilerServices;

namespace Apdb.Simulation;

/// <summary>
/// A counter-based random stream: its state is a hash of (seed, key...), so the numbers drawn for one object in one
/// visit do not depend on which thread draws them or in what order. SplitMix64 steps.
/// </summary>
internal struct CounterRng
{
    private ulong _state;

    public CounterRng(long seed, ulong a, ulong b = 0, ulong c = 0)
    {
        var s = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        s = Mix(s ^ a);
        s = Mix(s ^ (b * 0xD1B54A32D192ED03UL));
        s = Mix(s ^ (c * 0xAEF17502108EF2D9UL));
        _state = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    /// <summary>Standard normal (Box-Muller; one value per call, deterministic).</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Whether an event of probability <paramref name="p"/> happens.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>An integer whose expectation is <paramref name="x"/> (floor plus a Bernoulli on the fraction).</summary>
    public int StochasticRound(double x)
    {
        var floor = Math.Floor(x);
        return (int)floor + (NextDouble() < x - floor ? 1 : 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
