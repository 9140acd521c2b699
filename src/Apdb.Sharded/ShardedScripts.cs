namespace Apdb.Sharded;

/// <summary>The SQL files shipped in this assembly (<c>sql/</c>), read by name; a missing one is a build error, said loudly.</summary>
internal static class ShardedScripts
{
    public static string Get(string name)
    {
        using var stream = typeof(ShardedScripts).Assembly.GetManifestResourceStream("sharded/" + name)
            ?? throw new InvalidOperationException($"SQL resource sharded/{name} is missing from {typeof(ShardedScripts).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
