namespace Apdb.Sharded;

/// <summary>A shard's reader and writer logins, as the coordinator's user mappings hold them.</summary>
internal sealed record ShardLogins(string Reader, string ReaderPassword, string Writer, string WriterPassword);
