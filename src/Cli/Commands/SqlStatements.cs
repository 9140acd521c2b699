namespace Apdb.Cli.Commands;

/// <summary>
/// Counts the statements in a SQL text the way PostgreSQL's lexer separates them: semicolons inside quoted strings
/// (<c>'...'</c>, <c>E'...'</c>), quoted identifiers, dollar-quoted bodies and comments do not count, and a stretch of
/// only whitespace and comments is no statement.
/// </summary>
internal static class SqlStatements
{
    public static int Count(string sql)
    {
        var count = 0;
        var hasContent = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == ';')
            {
                count += hasContent ? 1 : 0;
                hasContent = false;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1, '-'))
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end + 1 : sql.Length;
            }
            else if (c == '/' && At(sql, i + 1, '*'))
            {
                i = SkipBlockComment(sql, i);
            }
            else
            {
                hasContent = true;
                i = c switch
                {
                    '\'' => SkipQuoted(sql, i, '\'', backslashEscapes: i > 0 && (sql[i - 1] is 'E' or 'e') && !IsIdentifierChar(sql, i - 2)),
                    '"' => SkipQuoted(sql, i, '"', backslashEscapes: false),
                    '$' => SkipDollarQuoted(sql, i),
                    _ => i + 1,
                };
            }
        }

        return count + (hasContent ? 1 : 0);
    }

    private static bool At(string sql, int i, char c) => i < sql.Length && sql[i] == c;

    private static bool IsIdentifierChar(string sql, int i) => i >= 0 && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_');

    private static int SkipBlockComment(string sql, int i)
    {
        // PostgreSQL's block comments nest.
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && At(sql, i + 1, '*'))
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && At(sql, i + 1, '/'))
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (!At(sql, i + 1, quote))
                {
                    return i + 1;
                }

                i += 2;
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int SkipDollarQuoted(string sql, int i)
    {
        // $tag$ ... $tag$ where the tag is empty or an identifier; a '$' otherwise is a parameter ($1) or part of a name.
        if (IsIdentifierChar(sql, i - 1))
        {
            return i + 1;
        }

        var close = i + 1;
        while (close < sql.Length && (char.IsLetter(sql[close]) || sql[close] == '_' || (close > i + 1 && char.IsDigit(sql[close]))))
        {
            close++;
        }

        if (!At(sql, close, '$'))
        {
            return i + 1;
        }

        var tag = sql[i..(close + 1)];
        var end = sql.IndexOf(tag, close + 1, StringComparison.Ordinal);
        return end < 0 ? sql.Length : end + tag.Length;
    }
}
