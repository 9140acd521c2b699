using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>Escapes text for XML content and attributes; characters XML 1.0 cannot hold become U+FFFD.</summary>
public static class XmlText
{
    /// <summary>The text with &amp;, &lt;, &gt;, quotes escaped and disallowed control characters replaced.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ when c < 0x20 && c is not ('\t' or '\n' or '\r') => "\uFFFD",
                _ when c is '\uFFFE' or '\uFFFF' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
