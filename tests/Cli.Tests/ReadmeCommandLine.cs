using System.Text;

namespace Apdb.Cli.Tests;

/// <summary>
/// One command of a README <c>bash</c> block, split into words as a POSIX shell would for the forms the README uses:
/// single and double quotes, backslash escapes, a trailing <c># comment</c> and one <c>&gt; file</c> redirection.
/// </summary>
internal sealed record ReadmeCommandLine(int LineNumber, string Text, IReadOnlyList<string> Words, string Comment, string? RedirectTo)
{
    public static ReadmeCommandLine Parse(int lineNumber, string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        string? redirect = null;
        var expectRedirect = false;
        var comment = string.Empty;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                word.Append(text, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (c == '"')
            {
                for (i++; text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && text[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        i++;
                    }

                    word.Append(text[i]);
                }

                inWord = true;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) || c == '>')
            {
                Flush();
                expectRedirect |= c == '>';
            }
            else if (c == '#' && !inWord)
            {
                comment = text[(i + 1)..].Trim();
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        Flush();
        return new ReadmeCommandLine(lineNumber, text, words, comment, redirect);

        void Flush()
        {
            if (!inWord)
            {
                return;
            }

            if (expectRedirect)
            {
                redirect = word.ToString();
                expectRedirect = false;
            }
            else
            {
                words.Add(word.ToString());
            }

            word.Clear();
            inWord = false;
        }
    }

    /// <summary>The value after <paramref name="option"/>, or null.</summary>
    public string? Option(string option)
    {
        var i = Words.ToList().IndexOf(option);
        return i >= 0 && i + 1 < Words.Count ? Words[i + 1] : null;
    }
}
