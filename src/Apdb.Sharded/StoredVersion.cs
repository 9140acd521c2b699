namespace Apdb.Sharded;

/// <summary>A DiaObject version already in the APDB: its key, validity end and the shard that holds it.</summary>
internal readonly record struct StoredVersion(long DiaObjectId, double Start, double? End, int Shard);
