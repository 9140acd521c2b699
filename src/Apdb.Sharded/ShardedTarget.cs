namespace Apdb.Sharded;

/// <summary>
/// Where a sharded APDB lives: an optional coordinator and the shard servers in shard order. Written on the command
/// line (<c>--db</c> / <c>APDB_DB</c>) as whitespace-separated <c>role=connection</c> entries, each connection a libpq
/// URI (which holds no spaces: a space in a password is <c>%20</c>):
/// <code>coordinator=postgresql://apdb:pw@db0:5432/apdb shard=postgresql://apdb:pw@db1/apdb shard=postgresql://apdb:pw@db2/apdb</code>
/// The shards' order is their index: the first <c>shard=</c> is shard 0, and each shard's metadata records its index,
/// so a list in the wrong order is refused.
/// </summary>
public sealed class ShardedTarget
{
    /// <summary>A target from connection strings already normalised (see <see cref="ApdbConnector.Normalize"/>).</summary>
    public ShardedTarget(string? coordinator, IReadOnlyList<string> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ApdbUserException("a sharded --db needs at least one 'shard=' entry");
        }

        Coordinator = coordinator;
        Shards = [.. shards];
    }

    /// <summary>The coordinator's Npgsql connection string, or null when there is none.</summary>
    public string? Coordinator { get; }

    /// <summary>The shards' Npgsql connection strings, in shard order.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>Whether a <c>--db</c> value is in the sharded format (starts with <c>coordinator=</c> or <c>shard=</c>).</summary>
    public static bool IsSharded(string? connection)
    {
        var text = connection?.TrimStart() ?? string.Empty;
        return text.StartsWith("coordinator=", StringComparison.OrdinalIgnoreCase) || text.StartsWith("shard=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses the sharded <c>--db</c> format; every error names the entry (never its password).</summary>
    public static ShardedTarget Parse(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        string? coordinator = null;
        var shards = new List<string>();
        var entries = connection.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var role = eq < 0 ? entry : entry[..eq].ToLowerInvariant();
            var value = eq < 0 ? string.Empty : entry[(eq + 1)..];
            if (role is not ("coordinator" or "shard") || value.Length == 0)
            {
                throw new ApdbUserException(
                    $"--db / APDB_DB entry {i + 1} ('{ApdbConnector.Scrub(Clip(entry), entry)}') is not 'coordinator=<URI>' or 'shard=<URI>'");
            }

            if (!LibpqUri.IsUri(value))
            {
                throw new ApdbUserException($"--db / APDB_DB entry {i + 1} ({role}): give a postgresql:// URI (keyword connection strings may hold spaces)");
            }

            var normalized = ApdbConnector.Normalize(value);
            if (role == "coordinator")
            {
                if (coordinator is not null)
                {
                    throw new ApdbUserException($"--db / APDB_DB entry {i + 1}: a second 'coordinator=' (there is one coordinator)");
                }

                coordinator = normalized;
            }
            else
            {
                shards.Add(normalized);
            }
        }

        return new ShardedTarget(coordinator, shards);
    }

    /// <summary>Writes the target back in the <c>--db</c> format, as URIs with their passwords (for a trusted caller's environment).</summary>
    public string Format(Func<string, string> toUri)
    {
        ArgumentNullException.ThrowIfNull(toUri);
        var parts = new List<string>();
        if (Coordinator is not null)
        {
            parts.Add("coordinator=" + toUri(Coordinator));
        }

        parts.AddRange(Shards.Select(s => "shard=" + toUri(s)));
        return string.Join(' ', parts);
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
