using System.Runtime.InteropServices;

namespace Apdb.Sky.Tests;

/// <summary>The arrays an oracle script wrote with out(name, array, dtype).</summary>
internal sealed class OracleResult(IReadOnlyDictionary<string, byte[]> outputs, string stdout)
{
    public string Stdout { get; } = stdout;

    public long[] Longs(string name) => MemoryMarshal.Cast<byte, long>(Get(name)).ToArray();

    public double[] Doubles(string name) => MemoryMarshal.Cast<byte, double>(Get(name)).ToArray();

    private byte[] Get(string name) => outputs.TryGetValue(name, out var bytes)
        ? bytes
        : throw new KeyNotFoundException($"the oracle wrote no output named '{name}' (stdout: {Stdout})");
}
