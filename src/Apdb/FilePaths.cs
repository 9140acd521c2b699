using System.Runtime.InteropServices;

namespace Apdb;

/// <summary>Canonical file paths: the one place that resolves symbolic links, for comparing two paths as files.</summary>
public static class FilePaths
{
    /// <summary>
    /// The absolute path of <paramref name="path"/> with every symbolic link and <c>..</c> resolved (the file must
    /// exist), or null when it cannot be resolved (missing, unreadable, or not a Unix system).
    /// </summary>
    public static string? TryCanonical(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    /// <summary>
    /// Whether both paths name the same existing file once links are resolved. Paths that do not exist name no file
    /// and are never the same as anything.
    /// </summary>
    public static bool AreSameFile(string first, string second)
    {
        var a = TryCanonical(first) ?? (File.Exists(first) ? Path.GetFullPath(first) : null);
        var b = TryCanonical(second) ?? (File.Exists(second) ? Path.GetFullPath(second) : null);
        return a is not null && a == b;
    }

#pragma warning disable SYSLIB1054 // Two trivial libc calls; LibraryImport source generation buys nothing here.
    [DllImport("libc", SetLastError = false)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", SetLastError = false)]
    private static extern void free(IntPtr pointer);
#pragma warning restore SYSLIB1054
}
