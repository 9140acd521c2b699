using System.Collections.Concurrent;

namespace Apdb.Frontend;

/// <summary>
/// Reusable work planes for the front end's steps. A freshly allocated image-sized array is backed by the kernel only
/// when first written, one page fault per 4 kB page, which costs several times the write itself; planes that die
/// within a step (smoothed images, labels, pass buffers) are rented here and returned, so a detector-visit's later
/// steps and the next detector-visit reuse memory that is already mapped. Contents of a rented array are undefined.
/// </summary>
internal static class ScratchPlanes<T>
    where T : unmanaged
{
    /// <summary>Arrays kept per length; more returned than this are left to the garbage collector.</summary>
    private const int KeepPerLength = 8;

    private static readonly ConcurrentDictionary<int, ConcurrentBag<T[]>> Free = new();

    /// <summary>An array of exactly <paramref name="length"/> elements, contents undefined.</summary>
    public static T[] Rent(int length)
    {
        if (Free.TryGetValue(length, out var bag) && bag.TryTake(out var array))
        {
            return array;
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>An array of exactly <paramref name="length"/> zeros.</summary>
    public static T[] RentCleared(int length)
    {
        var array = Rent(length);
        Array.Clear(array);
        return array;
    }

    /// <summary>Gives an array back; the caller must hold no reference to it afterwards.</summary>
    public static void Return(T[]? array)
    {
        if (array is null)
        {
            return;
        }

        var bag = Free.GetOrAdd(array.Length, _ => []);
        if (bag.Count < KeepPerLength)
        {
            bag.Add(array);
        }
    }
}
