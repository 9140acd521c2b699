namespace Apdb.Alerts;

/// <summary>One written alert file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Packets">Packets in it (one per stored DiaSource).</param>
/// <param name="Bytes">Its size.</param>
public sealed record AlertFileResult(string Path, int Packets, long Bytes);
