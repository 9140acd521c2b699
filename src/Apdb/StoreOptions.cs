namespace Apdb;

/// <summary>Options of <see cref="ApdbStore.StoreAsync"/>.</summary>
public sealed class StoreOptions
{
    /// <summary>The default: refuse a detector-visit that is already stored.</summary>
    public static StoreOptions Default { get; } = new();

    /// <summary>
    /// Delete a detector-visit already stored and write it again, in the same transaction: its DiaSources and
    /// DiaForcedSources, and the DiaObject versions that store created for objects with sources on it (their previous
    /// versions become current again), are removed first.
    /// </summary>
    public bool ReplaceExisting { get; init; }
}
