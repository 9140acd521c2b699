using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Apdb.Architecture.Tests;

/// <summary>
/// No method in <c>src/</c> runs over <see cref="MaxLines"/> lines, generated code apart (it is written to <c>obj/</c>
/// at build time and not read here). Every member with a body counts: methods, constructors, operators, accessors and
/// local functions, each from its first line after the attributes to its last. Parsed with Roslyn's C# parser, so a
/// brace in a string or a comment cannot fool it.
/// </summary>
public sealed class MethodLengthTests
{
    private const int MaxLines = 120;

    [Fact]
    public void No_member_in_src_runs_over_120_lines()
    {
        var longest = Members().Where(m => m.Lines > MaxLines).Select(m => $"{m.Where} ({m.Lines} lines)").ToList();
        Assert.True(longest.Count == 0, $"members over {MaxLines} lines: {string.Join("; ", longest)}");
    }

    [Fact]
    public void The_scan_reads_the_members_of_every_project()
    {
        // Guards the guard: with no files or no members found, the test above would pass vacuously.
        var members = Members().ToList();
        Assert.True(members.Count > 1000, $"only {members.Count} members found under src/");
        Assert.Contains(members, m => m.Where.StartsWith("src/Pipeline/DiaPipe/DiaPipeline.cs:", StringComparison.Ordinal) && m.Lines > 60);
    }

    [Fact]
    public void A_long_member_is_counted_from_its_declaration_to_its_closing_brace()
    {
        var body = string.Concat(Enumerable.Range(0, 130).Select(i => $"        var x{i} = \"}}\"; // {{\n"));
        var code = $"class C\n{{\n    [System.Obsolete]\n    void M()\n    {{\n{body}    }}\n\n    int P {{ get {{ return 1; }} }}\n}}\n";
        var members = MembersOf(CSharpSyntaxTree.ParseText(code), "c.cs").ToList();
        Assert.Equal(133, members.Single(m => m.Where == "c.cs:4").Lines);
        Assert.Equal(1, members.Single(m => m.Where == "c.cs:138").Lines);
    }

    private static IEnumerable<(string Where, int Lines)> Members() => SourceTrees.Src.SelectMany(f => MembersOf(f.Tree, f.Path));

    /// <summary>Each member with a body: where it starts (file:line, 1-based) and how many lines it spans.</summary>
    private static IEnumerable<(string Where, int Lines)> MembersOf(SyntaxTree tree, string path)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var (attributes, hasBody) = node switch
            {
                BaseMethodDeclarationSyntax m => (m.AttributeLists, m.Body is not null || m.ExpressionBody is not null),
                AccessorDeclarationSyntax a => (a.AttributeLists, a.Body is not null || a.ExpressionBody is not null),
                LocalFunctionStatementSyntax l => (l.AttributeLists, l.Body is not null || l.ExpressionBody is not null),
                _ => (default(SyntaxList<AttributeListSyntax>), false),
            };
            if (!hasBody)
            {
                continue;
            }

            var start = attributes.Count > 0 ? attributes.Last().GetLastToken().GetNextToken().SpanStart : node.SpanStart;
            var first = tree.GetLineSpan(new Microsoft.CodeAnalysis.Text.TextSpan(start, 0)).StartLinePosition.Line;
            var last = tree.GetLineSpan(node.Span).EndLinePosition.Line;
            yield return ($"{path}:{first + 1}", last - first + 1);
        }
    }
}
