using Apdb.Records;

namespace Apdb.Sharded;

/// <summary>What one shard's part of a store writes, in the order it is written.</summary>
internal sealed class ShardWrites
{
    /// <summary>Written first, in the same transaction: the removal of the detector-visit a replacing store rewrites.</summary>
    public ShardWrites? Before { get; set; }

    /// <summary>The detector-visit whose DiaSources and DiaForcedSources on this shard are deleted (a replace).</summary>
    public DetectorVisit? DeleteRowsOf { get; set; }

    /// <summary>The detector-visit whose registry row on this shard is deleted (a replace).</summary>
    public DetectorVisit? DeleteRegistry { get; set; }

    /// <summary>DiaObject versions replaced by a new version with the same validity start.</summary>
    public List<(long Id, double Start)> DeleteVersions { get; } = [];

    /// <summary>Stored versions whose validity end changes: the start of a new successor, or null when they become the newest again.</summary>
    public List<(long Id, double Start, double? End)> CloseVersions { get; } = [];

    /// <summary>New versions, validity end and pixelId set.</summary>
    public List<DiaObject> InsertVersions { get; } = [];

    /// <summary>DiaObjectLast rows to remove (replaced by a newer version here or on another shard).</summary>
    public List<long> DeleteLast { get; } = [];

    /// <summary>New versions that become their object's DiaObjectLast row.</summary>
    public List<(long Id, double Start)> InsertLast { get; } = [];

    /// <summary>DiaSources owned by this shard.</summary>
    public List<DiaSource> Sources { get; } = [];

    /// <summary>DiaForcedSources owned by this shard.</summary>
    public List<DiaForcedSource> ForcedSources { get; } = [];

    /// <summary>Whether the part writes no row.</summary>
    public bool IsEmpty => Before is null && DeleteRowsOf is null && DeleteRegistry is null && DeleteVersions.Count == 0 && CloseVersions.Count == 0 && InsertVersions.Count == 0 && DeleteLast.Count == 0
                           && InsertLast.Count == 0 && Sources.Count == 0 && ForcedSources.Count == 0;
}
