namespace Apdb.Sky.Tests;

public sealed class DisjointSetsTests
{
    [Fact]
    public void Every_element_starts_in_a_set_of_its_own()
    {
        var sets = new DisjointSets(5);
        Assert.Equal([0, 1, 2, 3, 4], Enumerable.Range(0, 5).Select(sets.Find));
    }

    [Fact]
    public void A_set_is_rooted_at_its_lowest_element_whatever_the_order_of_unions()
    {
        var forward = new DisjointSets(8);
        forward.Union(6, 3);
        forward.Union(3, 7);
        forward.Union(1, 5);
        forward.Union(7, 5);

        var backward = new DisjointSets(8);
        backward.Union(7, 5);
        backward.Union(1, 5);
        backward.Union(3, 7);
        backward.Union(6, 3);

        int[] expected = [0, 1, 2, 1, 4, 1, 1, 1];
        Assert.Equal(expected, Enumerable.Range(0, 8).Select(forward.Find));
        Assert.Equal(expected, Enumerable.Range(0, 8).Select(backward.Find));
    }

    [Fact]
    public void A_random_graph_gives_the_components_of_a_breadth_first_search()
    {
        var random = new Random(19);
        const int n = 500;
        var edges = Enumerable.Range(0, 400).Select(_ => (A: random.Next(n), B: random.Next(n))).ToList();
        var sets = new DisjointSets(n);
        foreach (var (a, b) in edges)
        {
            sets.Union(a, b);
        }

        var neighbours = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges)
        {
            neighbours[a].Add(b);
            neighbours[b].Add(a);
        }

        var lowest = new int[n];
        Array.Fill(lowest, -1);
        for (var start = 0; start < n; start++)
        {
            if (lowest[start] >= 0)
            {
                continue;
            }

            var queue = new Queue<int>([start]);
            lowest[start] = start;
            while (queue.TryDequeue(out var v))
            {
                foreach (var w in neighbours[v].Where(w => lowest[w] < 0))
                {
                    lowest[w] = start;
                    queue.Enqueue(w);
                }
            }
        }

        Assert.Equal(lowest, Enumerable.Range(0, n).Select(sets.Find));
    }

    [Fact]
    public void A_negative_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DisjointSets(-1));
    }
}
