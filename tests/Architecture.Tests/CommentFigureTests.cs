using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Apdb.Architecture.Tests;

/// <summary>
/// No comment in <c>src/</c> states a measured speed: figures belong in <c>benchmarks/</c>, and a comment says what is
/// true of the code and why. A timing is a number with a sub-second unit (ms, us, ns), a speed-up ("2.6x faster"), a
/// throughput (MB/s, fits a second), or a duration something took or costs. Physical durations such as a 30 s exposure
/// are facts of the domain and do not match. Only comments are read (Roslyn's trivia), so a message string that
/// reports a time at run time is not one.
/// </summary>
public sealed class CommentFigureTests
{
    private static readonly Regex Timing = new(
        string.Join('|',
            @"\b\d+(?:\.\d+)?\s?(?:ms|us|µs|ns)\b",
            @"\b\d+(?:\.\d+)?\s?(?:x|×)\s+(?:faster|slower|quicker)\b",
            @"\b\d+(?:\.\d+)?\s?(?:[kKMG]i?B|[kMG]bit)/s\b",
            @"\b(?:took|takes|take|costs?|ran|runs in)\s+(?:about\s+|only\s+|~)?\d+(?:\.\d+)?\s?(?:s|sec|seconds|min|minutes)\b",
            @"\b\d+(?:\.\d+)?\s?[kKM]?\s?(?:fits|rows|visits|queries|pairs|objects|sources)\s?(?:/s|a second|per second)\b"),
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [Fact]
    public void No_comment_in_src_states_a_timing_figure()
    {
        var figures = Comments().Select(c => (c.Where, Match: Timing.Match(c.Text))).Where(c => c.Match.Success)
            .Select(c => $"{c.Where}: \"{c.Match.Value}\"").ToList();
        Assert.True(figures.Count == 0, $"timing figures in comments (move them to benchmarks/): {string.Join("; ", figures)}");
    }

    [Fact]
    public void The_scan_reads_the_comments_of_every_project()
    {
        // Guards the guard: with no comments found, the test above would pass vacuously.
        var comments = Comments().ToList();
        Assert.True(comments.Count > 2000, $"only {comments.Count} comments found under src/");
        Assert.Contains(comments, c => c.Where.StartsWith("src/Frontend/Convolution/SeparableSum.cs:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("// Sorting the samples took ~0.1 s before selection.")]
    [InlineData("/// A fresh plane is written in 7-13 ms with huge pages.")]
    [InlineData("// 1.12 -> 0.75 us a fit on the narrow planes.")]
    [InlineData("/* the class path is 2.6x slower */")]
    [InlineData("// reads at 900 MB/s from the page cache")]
    [InlineData("// about 1M fits/s on one detector")]
    [InlineData("/// The reload costs about 36 seconds a visit.")]
    public void A_timing_in_a_comment_is_found(string comment)
    {
        var found = CommentsOf(CSharpSyntaxTree.ParseText($"class C\n{{\n    {comment}\n    void M() {{ }}\n}}\n"), "c.cs").ToList();
        Assert.Contains(found, c => c.Where == "c.cs:3" && Timing.IsMatch(c.Text));
    }

    [Theory]
    [InlineData("// Electrons per nJy in a 30 s LSST visit.")]
    [InlineData("/// Cosmic rays per megapixel in one 30 s exposure; a night has 800 slots of 45 s.")]
    [InlineData("// 5 sigma, 0.7\" seeing, 64-px meshes, 12 months of history")]
    [InlineData("// several times faster (benchmarks/frontend/README.md)")]
    public void A_fact_of_the_domain_or_a_pointer_to_the_benchmarks_is_not_a_timing(string comment)
    {
        var found = CommentsOf(CSharpSyntaxTree.ParseText($"class C\n{{\n    {comment}\n    void M() {{ }}\n}}\n"), "c.cs").ToList();
        Assert.Single(found);
        Assert.DoesNotMatch(Timing, found[0].Text);
    }

    [Fact]
    public void A_string_that_reports_a_time_is_code_not_a_comment()
    {
        var code = "class C\n{\n    string M(double s) => $\"took {s} ms, 12 ms at most\";\n}\n";
        Assert.Empty(CommentsOf(CSharpSyntaxTree.ParseText(code), "c.cs"));
    }

    private static IEnumerable<(string Where, string Text)> Comments() => SourceTrees.Src.SelectMany(f => CommentsOf(f.Tree, f.Path));

    /// <summary>Each comment (line, block or documentation) and where it starts (file:line, 1-based).</summary>
    private static IEnumerable<(string Where, string Text)> CommentsOf(SyntaxTree tree, string path) =>
        tree.GetRoot().DescendantTrivia(descendIntoTrivia: true)
            .Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)
                || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
            .Select(t => ($"{path}:{tree.GetLineSpan(t.Span).StartLinePosition.Line + 1}", t.ToFullString()));
}
