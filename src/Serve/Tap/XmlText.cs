using System.Buffers;
using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>Escapes text for XML content and attributes; characters XML 1.0 cannot hold become U+FFFD.</summary>
public static class XmlText
{
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "&<>\"'\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF");

    /// <summary>The text with &amp;, &lt;, &gt;, quotes escaped and disallowed control characters replaced.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Most cells (every number) need nothing: they are returned as they are.
        if (text.AsSpan().IndexOfAny(Special) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&apos;"); break;
                case < (char)0x20 when c is not ('\t' or '\n' or '\r'):
                case '\uFFFE' or '\uFFFF':
                    builder.Append('\uFFFD');
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }
}
