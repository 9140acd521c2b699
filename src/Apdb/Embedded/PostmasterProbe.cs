namespace Apdb.Embedded;

/// <summary>
/// Whether the process a <c>postmaster.pid</c> names is still the server of that data directory. After a crash or a
/// reboot the pid may belong to any program, including another PostgreSQL server or a process whose command line
/// merely mentions "postgres"; only the postmaster of this very directory keeps the file valid.
/// </summary>
internal static class PostmasterProbe
{
    /// <summary>
    /// True when <paramref name="pid"/> is a PostgreSQL server whose data directory is <paramref name="dataDirectory"/>,
    /// or when that cannot be ruled out (a live server's pid file must never be removed); false when the process is
    /// gone or is certainly something else.
    /// </summary>
    public static bool IsServerOf(int pid, string dataDirectory)
    {
        string[] argv;
        try
        {
            argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }

        // An exited process awaiting its parent has an empty command line; pg_ctl execs the server binary by its path.
        if (argv.Length == 0 || Path.GetFileName(argv[0]) is not ("postgres" or "postmaster"))
        {
            return false;
        }

        var ours = FilePaths.TryCanonical(dataDirectory) ?? Path.GetFullPath(dataDirectory);

        // The postmaster changes into its data directory at start and stays there.
        if (FilePaths.TryCanonical($"/proc/{pid}/cwd") is { } cwd)
        {
            return cwd == ours;
        }

        // The working directory of another user's process can be unreadable: fall back to the -D pg_ctl passed.
        var d = Array.IndexOf(argv, "-D");
        if (d >= 0 && d + 1 < argv.Length)
        {
            return (FilePaths.TryCanonical(argv[d + 1]) ?? argv[d + 1]) == ours;
        }

        return true;
    }
}
