namespace Apdb.Sky;

/// <summary>
/// The one way the project writes a file that others may read: the content goes to a hidden temporary name beside the
/// target (same directory, so the final rename stays on one file system and is atomic), then moves into place. A
/// reader sees the old file or the complete new one, never a part; a failure deletes the temporary file and leaves the
/// target as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="unixMode">The permissions the file is created with (never wider, not even for a moment); null for the default.</param>
    /// <exception cref="IOException">The file could not be written (the temporary file is removed).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixMode = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Paths(path);
        try
        {
            using (var stream = new FileStream(temp, Options(unixMode)))
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

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically, without blocking a thread.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="unixMode">The permissions the file is created with (never wider, not even for a moment); null for the default.</param>
    /// <param name="cancellationToken">Cancels the write; the target is then left as it was.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="IOException">The file could not be written (the temporary file is removed).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, UnixFileMode? unixMode = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Paths(path);
        try
        {
            var stream = new FileStream(temp, Options(unixMode));
            await using (stream.ConfigureAwait(false))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes text atomically, UTF-8 without a byte order mark.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the text.</param>
    /// <param name="cancellationToken">Cancels the write; the target is then left as it was.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public static Task WriteTextAsync(string path, Func<TextWriter, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync(path, async (stream, ct) =>
        {
            var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16);
            await using (writer.ConfigureAwait(false))
            {
                await write(writer, ct).ConfigureAwait(false);
            }
        }, null, cancellationToken);
    }

    private static (string Full, string Temp) Paths(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        return (full, temp);
    }

    private static FileStreamOptions Options(UnixFileMode? unixMode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (unixMode is { } mode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        return options;
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
