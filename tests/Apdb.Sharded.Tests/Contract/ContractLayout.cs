namespace Apdb.Sharded.Tests.Contract;

/// <summary>The layout the contract suite runs on.</summary>
public static class ContractLayout
{
    /// <summary>Three shards splitting the sky equally.</summary>
    public static ShardLayout Create() => ShardLayout.Balanced(3);
}
