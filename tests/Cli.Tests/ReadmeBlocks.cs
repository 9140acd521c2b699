namespace Apdb.Cli.Tests;

/// <summary>The fenced <c>bash</c> and <c>sql</c> blocks of the README, each logical line with its line number.</summary>
internal static class ReadmeBlocks
{
    /// <summary>The repository's README.md, found upwards from the test assembly.</summary>
    public static string Path()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "Apdb.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("README.md of the repository not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Lines of the blocks fenced as bash or sql, backslash continuations joined; blank lines dropped.</summary>
    public static List<(int Line, string Language, string Text)> Read(string path)
    {
        var result = new List<(int, string, string)>();
        string? language = null;
        var pending = string.Empty;
        var pendingLine = 0;
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                language = language is null ? line[3..].Trim() : null;
                continue;
            }

            if (language is not ("bash" or "sql") || line.Trim().Length == 0)
            {
                continue;
            }

            if (pending.Length == 0)
            {
                pendingLine = i + 1;
            }

            if (language == "bash" && line.TrimEnd().EndsWith('\\'))
            {
                pending += line.TrimEnd()[..^1] + " ";
                continue;
            }

            result.Add((pendingLine, language, pending + line));
            pending = string.Empty;
        }

        return result;
    }
}
