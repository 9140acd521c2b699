using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Apdb.Architecture.Tests;

/// <summary>
/// Every C# file under <c>src/</c> (build output apart), parsed once with Roslyn and shared by the tests that read code
/// rather than project files: its path from the repository root, with forward slashes, and its syntax tree.
/// </summary>
internal static class SourceTrees
{
    private static readonly Lazy<IReadOnlyList<(string Path, SyntaxTree Tree)>> All = new(() =>
    {
        var root = LayerTests.RepositoryRoot();
        return [.. Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !LayerTests.IsBuildOutput(f))
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), CSharpSyntaxTree.ParseText(File.ReadAllText(f))))];
    });

    /// <summary>The files of <c>src/</c>, parsed.</summary>
    public static IReadOnlyList<(string Path, SyntaxTree Tree)> Src => All.Value;
}
