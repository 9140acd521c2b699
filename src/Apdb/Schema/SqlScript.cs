using System.Security.Cryptography;
using System.Text;

namespace Apdb.Schema;

/// <summary>One SQL file shipped inside the assembly.</summary>
public sealed class SqlScript
{
    internal SqlScript(string name, string text)
    {
        Name = name;
        Text = text;
        Checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"))));
        var underscore = Path.GetFileName(name).IndexOf('_', StringComparison.Ordinal);
        Number = underscore > 0 && int.TryParse(Path.GetFileName(name)[..underscore], out var n) ? n : -1;
    }

    /// <summary>The resource name, e.g. <c>sql/migrations/0004_DiaSource.sql</c>.</summary>
    public string Name { get; }

    /// <summary>The leading number of the file name (the migration id), or -1.</summary>
    public int Number { get; }

    /// <summary>The SQL text.</summary>
    public string Text { get; }

    /// <summary>SHA-256 of the text with normalised line endings: detects a migration edited after it was applied.</summary>
    public string Checksum { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
