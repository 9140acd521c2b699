namespace Apdb.Cli.Commands;

/// <summary>
/// Drops the operating system's page cache (<c>sync</c>, then 3 into <c>/proc/sys/vm/drop_caches</c>), for benches that
/// measure off the cache. Only root may, and only where /proc/sys is writable; <see cref="Probe"/> says whether this
/// process can, and why not. PostgreSQL's shared buffers are not touched: emptying them takes a server restart.
/// </summary>
internal sealed class ColdCache
{
    private const string DropCaches = "/proc/sys/vm/drop_caches";

    private ColdCache(bool available, string? reason)
    {
        Available = available;
        Reason = reason;
    }

    /// <summary>Whether the cache can be dropped.</summary>
    public bool Available { get; }

    /// <summary>Why it cannot (null when it can).</summary>
    public string? Reason { get; private set; }

    /// <summary>Finds out, without dropping anything, whether this process may drop the page cache.</summary>
    public static ColdCache Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new ColdCache(false, $"{DropCaches} is Linux's and this is not Linux");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return new ColdCache(false, "the process is not root");
        }

        try
        {
            using (new FileStream(DropCaches, FileMode.Open, FileAccess.Write))
            {
            }

            return new ColdCache(true, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ColdCache(false, $"{DropCaches} is not writable: {ex.Message}");
        }
    }

    /// <summary>Writes dirty pages out, then drops the clean ones; false (with <see cref="Reason"/> set) when the kernel refused.</summary>
    public async Task<bool> DropAsync(CancellationToken cancellationToken)
    {
        using (var sync = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sync") { UseShellExecute = false })
            ?? throw new InvalidOperationException("sync did not start"))
        {
            await sync.WaitForExitAsync(cancellationToken);
        }

        try
        {
            await File.WriteAllTextAsync(DropCaches, "3\n", cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Reason = $"writing {DropCaches} failed: {ex.Message}";
            return false;
        }
    }
}
