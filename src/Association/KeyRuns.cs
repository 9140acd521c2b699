namespace Apdb.Association;

/// <summary>
/// An index order by a primitive key, ties broken by a comparer: <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[])"/>
/// on the keys (fast, but not stable), then each run of equal keys sorted again with the comparer, which makes the order
/// deterministic.
/// </summary>
internal static class KeyRuns
{
    /// <summary>
    /// Sorts <paramref name="keys"/> and <paramref name="order"/> together by key, then each run of equal keys of
    /// <paramref name="order"/> by <paramref name="ties"/>.
    /// </summary>
    public static void Sort(long[] keys, int[] order, IComparer<int> ties)
    {
        Array.Sort(keys, order);
        var n = order.Length;
        var start = 0;
        for (var i = 1; i <= n; i++)
        {
            if (i == n || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start, ties);
                }

                start = i;
            }
        }
    }
}
