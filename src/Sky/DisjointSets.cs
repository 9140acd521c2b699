namespace Apdb.Sky;

/// <summary>
/// Union-find over the elements 0 to <see cref="Count"/> - 1 with path halving. The lower of two roots becomes the root
/// of their union, so an element's root does not depend on the order in which unions were made.
/// </summary>
public sealed class DisjointSets
{
    private readonly int[] _parent;

    /// <summary><paramref name="count"/> elements, each in a set of its own.</summary>
    public DisjointSets(int count)
    {
        Preconditions.InRange(count, 0, int.MaxValue);
        _parent = new int[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
        }
    }

    /// <summary>The number of elements.</summary>
    public int Count => _parent.Length;

    /// <summary>The root of <paramref name="i"/>'s set: its lowest element.</summary>
    public int Find(int i)
    {
        var parent = _parent;
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    /// <summary>Joins the sets of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public void Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra != rb)
        {
            _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
