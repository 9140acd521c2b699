using System.Globalization;
using System.Text;

namespace Apdb.Imaging;

/// <summary>Parses and formats 80-character header cards in the FITS 4.0 fixed format.</summary>
internal static class FitsCardFormat
{
    public const int CardLength = 80;
    public const int BlockLength = 2880;

    public static string CheckKeyword(string keyword)
    {
        var key = keyword.Trim().ToUpperInvariant();
        if (key.Length > 8)
        {
            throw new ArgumentException($"FITS keyword '{keyword}' is longer than 8 characters", nameof(keyword));
        }

        foreach (var c in key)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_'))
            {
                throw new ArgumentException($"FITS keyword '{keyword}' has the character '{c}'; only A-Z, 0-9, '-' and '_' are allowed", nameof(keyword));
            }
        }

        return key;
    }

    /// <summary>Parses one card; returns null for the END card.</summary>
    public static FitsCard? Parse(ReadOnlySpan<char> card)
    {
        var keyword = card[..8].TrimEnd().ToString();
        if (keyword == "END")
        {
            return null;
        }

        var hasValue = card.Length >= 10 && card[8] == '=' && card[9] == ' ';
        if (!hasValue || keyword is "COMMENT" or "HISTORY" or "")
        {
            var text = card.Length > 8 ? card[8..].TrimEnd().ToString() : string.Empty;
            return new FitsCard(keyword, null, text.Length == 0 ? null : text);
        }

        var field = card[10..];
        var trimmed = field.TrimStart();
        if (trimmed.Length > 0 && trimmed[0] == '\'')
        {
            var sb = new StringBuilder();
            var i = 1;
            for (; i < trimmed.Length; i++)
            {
                if (trimmed[i] == '\'')
                {
                    if (i + 1 < trimmed.Length && trimmed[i + 1] == '\'')
                    {
                        sb.Append('\'');
                        i++;
                        continue;
                    }

                    break;
                }

                sb.Append(trimmed[i]);
            }

            var rest = i + 1 < trimmed.Length ? trimmed[(i + 1)..] : [];
            return new FitsCard(keyword, sb.ToString().TrimEnd(), CommentOf(rest));
        }

        var slash = trimmed.IndexOf('/');
        var valueText = (slash < 0 ? trimmed : trimmed[..slash]).Trim();
        var comment = slash < 0 ? null : CommentOf(trimmed[slash..]);
        object? value = null;
        if (valueText.Length == 0)
        {
            value = null;
        }
        else if (valueText is "T")
        {
            value = true;
        }
        else if (valueText is "F")
        {
            value = false;
        }
        else if (long.TryParse(valueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            value = l;
        }
        else
        {
            var normalized = valueText.ToString().Replace('D', 'E').Replace('d', 'e');
            value = double.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : valueText.ToString(); // complex or malformed values are kept as text
        }

        return new FitsCard(keyword, value, comment);
    }

    private static string? CommentOf(ReadOnlySpan<char> rest)
    {
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return null;
        }

        var text = rest[(slash + 1)..].Trim().ToString();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Formats a card as exactly 80 ASCII characters.</summary>
    public static string Format(FitsCard card)
    {
        var sb = new StringBuilder(CardLength);
        sb.Append(card.Keyword.PadRight(8));
        if (card.IsCommentary || card.Value is null)
        {
            if (card.Comment is { } text)
            {
                sb.Append(card.Keyword.Length == 0 || card.IsCommentary ? text : "  / " + text);
            }
        }
        else
        {
            sb.Append("= ");
            switch (card.Value)
            {
                case string s:
                    var quoted = "'" + s.Replace("'", "''", StringComparison.Ordinal).PadRight(8) + "'";
                    if (quoted.Length > 70)
                    {
                        throw new ArgumentException($"FITS keyword {card.Keyword}: string value of {s.Length} characters does not fit one card (CONTINUE is not supported)");
                    }

                    sb.Append(quoted.PadRight(20));
                    break;
                case bool b:
                    sb.Append((b ? "T" : "F").PadLeft(20));
                    break;
                case long l:
                    sb.Append(l.ToString(CultureInfo.InvariantCulture).PadLeft(20));
                    break;
                case double d:
                    sb.Append(FormatDouble(d).PadLeft(20));
                    break;
                default:
                    throw new ArgumentException($"FITS keyword {card.Keyword}: unsupported value type {card.Value.GetType().Name}");
            }

            if (card.Comment is { } comment)
            {
                sb.Append(" / ").Append(comment);
            }
        }

        foreach (var c in sb.ToString())
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"FITS keyword {card.Keyword}: only printable ASCII is allowed in a header");
            }
        }

        var result = sb.ToString();
        return result.Length > CardLength ? result[..CardLength] : result.PadRight(CardLength);
    }

    public static string FormatDouble(double d)
    {
        if (!double.IsFinite(d))
        {
            throw new ArgumentException($"FITS header values must be finite, not {d}");
        }

        // Shortest round-trip text; FITS wants a decimal point in a real value.
        var s = d.ToString("R", CultureInfo.InvariantCulture).Replace('e', 'E');
        if (!s.Contains('.', StringComparison.Ordinal))
        {
            var e = s.IndexOf('E', StringComparison.Ordinal);
            s = e < 0 ? s + ".0" : s[..e] + ".0" + s[e..];
        }

        return s;
    }
}
