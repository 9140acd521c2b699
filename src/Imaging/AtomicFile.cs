namespace Apdb.Imaging;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one: the content goes to a hidden
/// temporary name beside the target, then moves into place. A failure deletes the temporary file and leaves the
/// target as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <exception cref="IOException">The file could not be written (the temporary file is removed).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file is hidden and named uniquely.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: a directory that refused the write may refuse the delete too.
        }
    }
}
