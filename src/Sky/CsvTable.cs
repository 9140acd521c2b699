using System.Globalization;
using nietras.SeparatedValues;

namespace Apdb.Sky;

/// <summary>
/// The one CSV reader of the project, on the Sep library: comma separated, a header line naming the columns (matched
/// case-insensitively), RFC 4180 quoting (a quoted field may hold commas and doubled quotes), spaces around a value
/// ignored and blank lines skipped. Every error is a <see cref="CsvInputException"/> whose one-line message names the
/// source and line, and for a value the column: <c>cat.csv:7: column 'ra': 'abc' is not a number</c>.
/// </summary>
/// <remarks>Read a row with <see cref="Read"/>, then its cells by the index <see cref="Require"/> or <see cref="Find"/> gave.</remarks>
public sealed class CsvTable : IDisposable
{
    private static readonly SepReaderOptions Options = new SepReaderOptions(new Sep(','))
    {
        HasHeader = true,
        Unescape = true,
        Trim = SepTrim.All,
        DisableColCountCheck = true,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    private readonly SepReader _reader;
    private readonly string[] _names;

    private CsvTable(SepReader reader, string source)
    {
        _reader = reader;
        Source = source;
        _names = [.. reader.Header.ColNames.Select(n => n.Trim())];
        if (_names.Length == 0 || (_names.Length == 1 && _names[0].Length == 0))
        {
            reader.Dispose();
            throw new CsvInputException($"{source}: empty file (expected a header line naming the columns)");
        }
    }

    /// <summary>What the messages call the input: the file's path, or a name such as "stdin".</summary>
    public string Source { get; }

    /// <summary>The column names of the header, in file order, without surrounding spaces or quotes.</summary>
    public IReadOnlyList<string> ColumnNames => _names;

    /// <summary>The header as one line, for messages.</summary>
    public string HeaderText => string.Join(",", _names);

    /// <summary>The line of the file where the current row starts (the header is line 1).</summary>
    public int Line { get; private set; } = 1;

    /// <summary>Opens a CSV file and reads its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The table, positioned before its first row.</returns>
    /// <exception cref="CsvInputException">The file is missing or empty.</exception>
    public static CsvTable OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new CsvInputException($"{path}: file not found");
        }

        return Open(new StreamReader(path, detectEncodingFromByteOrderMarks: true), path);
    }

    /// <summary>Reads CSV text from a reader (stdin, a string), which the table then owns.</summary>
    /// <param name="text">The text; disposed with the table.</param>
    /// <param name="source">What messages call it.</param>
    /// <returns>The table, positioned before its first row.</returns>
    /// <exception cref="CsvInputException">The text is empty.</exception>
    public static CsvTable Open(TextReader text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(source);
        SepReader reader;
        try
        {
            reader = Options.From(text);
        }
        catch (InvalidDataException e)
        {
            text.Dispose();
            throw new CsvInputException($"{source}:1: {e.Message}", e);
        }

        return new CsvTable(reader, source);
    }

    /// <summary>The index of a column, or -1 when the header lacks it.</summary>
    /// <param name="name">The column name, matched case-insensitively.</param>
    /// <returns>The index, or -1.</returns>
    public int Find(string name) => Array.FindIndex(_names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The index of a column the input must have.</summary>
    /// <param name="name">The column name, matched case-insensitively.</param>
    /// <returns>The index.</returns>
    /// <exception cref="CsvInputException">The header lacks the column (the message quotes the header).</exception>
    public int Require(string name)
    {
        var index = Find(name);
        return index >= 0 ? index : throw new CsvInputException($"{Source}: required column '{name}' is missing (found: {UserText.Quote(HeaderText)})");
    }

    /// <summary>Moves to the next row that is not blank.</summary>
    /// <returns>False at the end of the input.</returns>
    /// <exception cref="CsvInputException">The row does not have one value for each column of the header.</exception>
    public bool Read()
    {
        while (true)
        {
            bool more;
            try
            {
                more = _reader.MoveNext();
            }
            catch (InvalidDataException e)
            {
                throw new CsvInputException($"{Source}:{Line + 1}: {e.Message}", e);
            }

            if (!more)
            {
                return false;
            }

            var row = _reader.Current;
            Line = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace() && _names.Length > 1)
            {
                continue;
            }

            if (row.ColCount != _names.Length)
            {
                throw new CsvInputException($"{Source}:{Line}: expected {_names.Length} values, found {row.ColCount}");
            }

            return true;
        }
    }

    /// <summary>The current row's text in a column (unquoted, without surrounding spaces).</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The text, valid until the next <see cref="Read"/>.</returns>
    public ReadOnlySpan<char> Text(int column) => _reader.Current[column].Span;

    /// <summary>The current row's text in a column as a string.</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The text.</returns>
    public string String(int column) => _reader.Current[column].ToString();

    /// <summary>The current row's value in a column as a number (invariant culture; "NaN" and "Infinity" parse).</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The number.</returns>
    /// <exception cref="CsvInputException">The text is not a number (the message names line and column).</exception>
    public double Double(int column)
    {
        var text = Text(column);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(column, text, "is not a number");
    }

    /// <summary>As <see cref="Double"/>, but an empty cell reads as NaN (an unknown value).</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The number, or NaN.</returns>
    /// <exception cref="CsvInputException">The text is neither empty nor a number.</exception>
    public double DoubleOrNaN(int column) => Text(column).IsEmpty ? double.NaN : Double(column);

    /// <summary>The current row's value in a column as a 64-bit integer.</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="CsvInputException">The text is not an integer (the message names line and column).</exception>
    public long Long(int column)
    {
        var text = Text(column);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(column, text, "is not an integer");
    }

    /// <summary>An error about the current row's value in a column, for checks the caller makes itself.</summary>
    /// <param name="column">The column index.</param>
    /// <param name="problem">What is wrong, e.g. "is outside [-90, 90]".</param>
    /// <returns>The exception to throw.</returns>
    public CsvInputException Bad(int column, string problem) => Bad(column, Text(column), problem);

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private CsvInputException Bad(int column, ReadOnlySpan<char> text, string problem) =>
        new($"{Source}:{Line}: column {UserText.Quote(_names[column])}: {UserText.Quote(text)} {problem}");
}
