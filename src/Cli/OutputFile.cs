namespace Apdb.Cli;

/// <summary>Checks on an <c>--out</c> file made before any work, so a bad one costs nothing and writes nothing.</summary>
internal static class OutputFile
{
    /// <summary>
    /// Refuses an output that is one of the command's input files, however it is spelled (relative, through a symbolic
    /// link): the atomic write would replace the input.
    /// </summary>
    /// <param name="outPath">The <c>--out</c> value.</param>
    /// <param name="inputs">Each input option and its path.</param>
    public static void RefuseInputs(string outPath, params ReadOnlySpan<(string Option, string? Path)> inputs)
    {
        foreach (var (option, path) in inputs)
        {
            if (path is not null && FilePaths.AreSameFile(outPath, path))
            {
                throw new ApdbUserException($"--out {outPath} is the input {option} {path}: writing it would destroy the input; choose another file");
            }
        }
    }
}
