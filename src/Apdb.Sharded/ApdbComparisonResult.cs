namespace Apdb.Sharded;

/// <summary>One comparison query's answer on both APDBs: 'rows md5' each.</summary>
public sealed record ApdbComparisonResult(string Query, string First, string Second)
{
    /// <summary>Whether both gave the same rows.</summary>
    public bool Identical => First == Second;
}
