namespace Apdb.Sharded.Tests.Contract;

/// <summary>The layouts the contract suite runs on.</summary>
public static class ContractLayout
{
    /// <summary>
    /// Three shards dealt depth-16 pixels (3.2") round-robin: the contract's rows, arcseconds apart, fall on every shard,
    /// so nearly every store with more than one row crosses shards and commits in two phases.
    /// </summary>
    public static ShardLayout Interleaved() => ShardLayout.Interleaved(3, 16);

    /// <summary>Three shards splitting the sky into three contiguous ranges (most contract stores stay on one shard).</summary>
    public static ShardLayout Contiguous() => ShardLayout.Balanced(3);
}
