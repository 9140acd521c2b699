namespace Apdb.Association;

/// <summary>
/// Candidate (source row, object row) pairs from a finder: a superset of the pairs within the radius, in any order,
/// duplicates allowed. The shared exact filter decides which pairs are real.
/// </summary>
public sealed class CandidateSet
{
    private int[] _sources;
    private int[] _objects;

    /// <summary>Creates an empty set.</summary>
    /// <param name="capacity">Initial capacity in pairs.</param>
    public CandidateSet(int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _sources = new int[Math.Max(capacity, 4)];
        _objects = new int[_sources.Length];
    }

    /// <summary>Number of pairs.</summary>
    public int Count { get; private set; }

    /// <summary>Source rows of the pairs.</summary>
    public ReadOnlySpan<int> SourceIndices => _sources.AsSpan(0, Count);

    /// <summary>Object rows of the pairs.</summary>
    public ReadOnlySpan<int> ObjectIndices => _objects.AsSpan(0, Count);

    /// <summary>Adds a pair.</summary>
    /// <param name="sourceIndex">Row in the source catalog.</param>
    /// <param name="objectIndex">Row in the object catalog.</param>
    public void Add(int sourceIndex, int objectIndex)
    {
        if (Count == _sources.Length)
        {
            Grow(Count + 1);
        }

        _sources[Count] = sourceIndex;
        _objects[Count] = objectIndex;
        Count++;
    }

    /// <summary>Adds pairs of one source with several objects.</summary>
    /// <param name="sourceIndex">Row in the source catalog.</param>
    /// <param name="objectIndices">Rows in the object catalog.</param>
    public void AddRange(int sourceIndex, ReadOnlySpan<int> objectIndices)
    {
        if (Count + objectIndices.Length > _sources.Length)
        {
            Grow(Count + objectIndices.Length);
        }

        _sources.AsSpan(Count, objectIndices.Length).Fill(sourceIndex);
        objectIndices.CopyTo(_objects.AsSpan(Count));
        Count += objectIndices.Length;
    }

    /// <summary>Adds pairs given by ids, for finders (such as SQL) that see ids rather than rows.</summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="sourceId">The source id.</param>
    /// <param name="objectId">The object id.</param>
    /// <exception cref="ArgumentException">An id is not in its catalog.</exception>
    public void AddByIds(Catalog objects, Catalog sources, long sourceId, long objectId)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        if (!sources.TryGetIndex(sourceId, out var s))
        {
            throw new ArgumentException($"source id {sourceId} is not in the source catalog", nameof(sourceId));
        }

        if (!objects.TryGetIndex(objectId, out var o))
        {
            throw new ArgumentException($"object id {objectId} is not in the object catalog", nameof(objectId));
        }

        Add(s, o);
    }

    private void Grow(int needed)
    {
        var size = Math.Max(needed, (int)Math.Min(Array.MaxLength, 2L * _sources.Length));
        Array.Resize(ref _sources, size);
        Array.Resize(ref _objects, size);
    }
}
