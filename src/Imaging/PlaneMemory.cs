using System.Runtime.InteropServices;

namespace Apdb.Imaging;

/// <summary>
/// Allocates the large planes of an image (pixels, variance, mask) uninitialized and, on Linux, advises the kernel to
/// back them with transparent huge pages before they are first touched: a 4096^2 float plane is then 32 page faults
/// instead of 16,384, so writing a fresh plane is several times faster (benchmarks/frontend/README.md). Where the kernel does not allow it (transparent huge pages "never", other systems) the
/// advice is ignored and the planes are ordinary arrays.
/// </summary>
internal static partial class PlaneMemory
{
    private const int MadviseHugePage = 14;
    private const long HugePage = 2 << 20;

    /// <summary>Below this many bytes a plane is allocated as usual.</summary>
    private const long MinimumBytes = 4 * HugePage;

    private static bool s_adviceFailed;

    /// <summary>An array of <paramref name="length"/> elements whose contents are undefined: the caller writes every one.</summary>
    public static T[] Uninitialized<T>(int length)
        where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        Advise(array);
        return array;
    }

    /// <summary>
    /// An array of <paramref name="length"/> zeros. A fresh large array is not written by the runtime, so its pages are
    /// still untouched when advised; one the runtime had to clear keeps its small pages.
    /// </summary>
    public static T[] Zeroed<T>(int length)
        where T : unmanaged
    {
        var array = new T[length];
        Advise(array);
        return array;
    }

    private static unsafe void Advise<T>(T[] array)
        where T : unmanaged
    {
        var bytes = (long)array.Length * sizeof(T);
        if (bytes < MinimumBytes || !OperatingSystem.IsLinux() || Volatile.Read(ref s_adviceFailed))
        {
            return;
        }

        // Large arrays live on the large-object heap, which is not compacted unless asked: the range stays the array's.
        fixed (T* first = array)
        {
            var start = ((long)first + HugePage - 1) & ~(HugePage - 1);
            var end = ((long)first + bytes) & ~(HugePage - 1);
            try
            {
                if (end > start && Madvise((nint)start, (nuint)(end - start), MadviseHugePage) != 0)
                {
                    Volatile.Write(ref s_adviceFailed, true);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref s_adviceFailed, true);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
