using System.Text;

namespace Apdb.Serve.Adql;

/// <summary>Splits ADQL text into tokens: words, quoted identifiers, numbers, strings, symbols; skips blanks and <c>--</c> comments.</summary>
public static class AdqlLexer
{
    private static readonly string[] TwoCharSymbols = ["<>", "!=", "<=", ">=", "||"];

    /// <summary>The tokens of <paramref name="query"/>, ending with one <see cref="AdqlTokenKind.End"/> token.</summary>
    /// <exception cref="AdqlException">An unterminated string or identifier, or a character ADQL does not use.</exception>
    public static IReadOnlyList<AdqlToken> Tokenize(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tokens = new List<AdqlToken>();
        var i = 0;
        while (true)
        {
            i = SkipBlanksAndComments(query, i);
            if (i >= query.Length)
            {
                tokens.Add(new AdqlToken(AdqlTokenKind.End, string.Empty, query.Length));
                return tokens;
            }

            var c = query[i];
            var token = c switch
            {
                '\'' => ReadDelimited(query, i, '\'', AdqlTokenKind.String, "string literal"),
                '"' => ReadDelimited(query, i, '"', AdqlTokenKind.QuotedIdentifier, "quoted identifier"),
                _ when char.IsAsciiDigit(c) || (c == '.' && i + 1 < query.Length && char.IsAsciiDigit(query[i + 1])) => ReadNumber(query, i),
                _ when char.IsAsciiLetter(c) => ReadWord(query, i),
                _ => ReadSymbol(query, i),
            };
            tokens.Add(token.Token);
            i = token.Next;
        }
    }

    private static int SkipBlanksAndComments(string query, int i)
    {
        while (i < query.Length)
        {
            if (char.IsWhiteSpace(query[i]))
            {
                i++;
            }
            else if (query[i] == '-' && i + 1 < query.Length && query[i + 1] == '-')
            {
                while (i < query.Length && query[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static (AdqlToken Token, int Next) ReadDelimited(string query, int start, char quote, AdqlTokenKind kind, string what)
    {
        var text = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= query.Length)
            {
                throw AdqlException.At(query, start, $"unterminated {what}");
            }

            if (query[i] == quote)
            {
                // A doubled quote stands for one quote character inside the literal.
                if (i + 1 < query.Length && query[i + 1] == quote)
                {
                    text.Append(quote);
                    i += 2;
                    continue;
                }

                break;
            }

            if (query[i] == '\0')
            {
                throw AdqlException.At(query, i, $"a NUL character inside a {what}");
            }

            text.Append(query[i]);
            i++;
        }

        if (kind == AdqlTokenKind.QuotedIdentifier && text.Length == 0)
        {
            throw AdqlException.At(query, start, "an empty quoted identifier");
        }

        return (new AdqlToken(kind, text.ToString(), start), i + 1);
    }

    private static (AdqlToken Token, int Next) ReadNumber(string query, int start)
    {
        var i = start;
        while (i < query.Length && char.IsAsciiDigit(query[i]))
        {
            i++;
        }

        if (i < query.Length && query[i] == '.')
        {
            i++;
            while (i < query.Length && char.IsAsciiDigit(query[i]))
            {
                i++;
            }
        }

        if (i < query.Length && (query[i] is 'e' or 'E'))
        {
            var e = i + 1;
            if (e < query.Length && (query[e] is '+' or '-'))
            {
                e++;
            }

            if (e >= query.Length || !char.IsAsciiDigit(query[e]))
            {
                throw AdqlException.At(query, start, "a number with an incomplete exponent");
            }

            i = e;
            while (i < query.Length && char.IsAsciiDigit(query[i]))
            {
                i++;
            }
        }

        if (i < query.Length && (char.IsAsciiLetter(query[i]) || query[i] == '_'))
        {
            throw AdqlException.At(query, start, $"'{query[start..(i + 1)]}' is not a number");
        }

        return (new AdqlToken(AdqlTokenKind.Number, query[start..i], start), i);
    }

    private static (AdqlToken Token, int Next) ReadWord(string query, int start)
    {
        var i = start;
        while (i < query.Length && (char.IsAsciiLetterOrDigit(query[i]) || query[i] == '_'))
        {
            i++;
        }

        return (new AdqlToken(AdqlTokenKind.Word, query[start..i], start), i);
    }

    private static (AdqlToken Token, int Next) ReadSymbol(string query, int start)
    {
        if (start + 1 < query.Length)
        {
            var two = query.Substring(start, 2);
            if (TwoCharSymbols.Contains(two))
            {
                return (new AdqlToken(AdqlTokenKind.Symbol, two == "!=" ? "<>" : two, start), start + 2);
            }
        }

        var c = query[start];
        if ("(),.*+-/=<>;".Contains(c, StringComparison.Ordinal))
        {
            return (new AdqlToken(AdqlTokenKind.Symbol, c.ToString(), start), start + 1);
        }

        var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
        throw AdqlException.At(query, start, $"unexpected character '{shown}'");
    }
}
