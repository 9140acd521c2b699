using System.Globalization;
using System.Text;

namespace Apdb.Sky;

/// <summary>
/// Renders text a user supplied (a CSV cell or header, a FITS value, an option) for an error message: quoted,
/// shortened, and with control characters escaped, so a 10-MB line stays one short line and a terminal escape
/// sequence in an input file is shown, not obeyed. It lives in the lowest layer because every reader quotes input.
/// </summary>
public static class UserText
{
    /// <summary>How many characters of a value a message shows before it is cut.</summary>
    public const int MaxShown = 60;

    /// <summary>
    /// <paramref name="value"/> in single quotes, its control characters escaped (<c>\n</c>, <c>\t</c>, <c>\x1B</c>, ...),
    /// cut after <see cref="MaxShown"/> characters with "..." and the full length.
    /// </summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        var text = new StringBuilder(Math.Min(value.Length, MaxShown) + 32);
        text.Append('\'');
        var shown = 0;
        while (shown < value.Length && text.Length - 1 < MaxShown)
        {
            AppendEscaped(text, value[shown]);
            shown++;
        }

        text.Append('\'');
        if (shown < value.Length)
        {
            text.Insert(text.Length - 1, "...");
            text.Append(CultureInfo.InvariantCulture, $" ({value.Length} characters)");
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="message"/> with every control character escaped (none is printed raw to a terminal), whatever
    /// its length; for a whole message whose parts may come from input.
    /// </summary>
    public static string EscapeControl(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.AsSpan().ContainsAnyInRange('\0', '\x1F') && !message.AsSpan().ContainsAnyInRange('\x7F', '\x9F'))
        {
            return message;
        }

        var text = new StringBuilder(message.Length + 16);
        foreach (var c in message)
        {
            AppendEscaped(text, c);
        }

        return text.ToString();
    }

    private static void AppendEscaped(StringBuilder text, char c)
    {
        switch (c)
        {
            case '\n':
                text.Append("\\n");
                break;
            case '\r':
                text.Append("\\r");
                break;
            case '\t':
                text.Append("\\t");
                break;
            case < '\x20' or (>= '\x7F' and <= '\x9F'):
                text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
                break;
            default:
                text.Append(c);
                break;
        }
    }
}
