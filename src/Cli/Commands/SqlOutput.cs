using System.Globalization;
using System.Text;
using Npgsql;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>Prints a query result as a table, CSV or JSON.</summary>
internal static class SqlOutput
{
    private const int MaxTableRows = 1000;

    public static async Task WriteAsync(NpgsqlDataReader reader, CliContext context, bool csv, CancellationToken cancellationToken)
    {
        if (reader.FieldCount == 0)
        {
            var affected = reader.RecordsAffected;
            if (context.Json)
            {
                context.WriteJson(new { rowsAffected = affected });
            }
            else
            {
                Console.WriteLine($"{Math.Max(affected, 0)} row(s) affected");
            }

            return;
        }

        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        if (csv)
        {
            var stdout = Console.Out;
            await stdout.WriteLineAsync(string.Join(',', columns.Select(Escape)));
            while (await reader.ReadAsync(cancellationToken))
            {
                var line = new StringBuilder();
                for (var i = 0; i < columns.Length; i++)
                {
                    if (i > 0)
                    {
                        line.Append(',');
                    }

                    line.Append(Escape(Format(reader, i)));
                }

                await stdout.WriteLineAsync(line.ToString());
            }

            return;
        }

        var rows = await ReaderRows.ReadAllAsync(reader, cancellationToken);

        if (context.Json)
        {
            context.WriteJson(new { columns, rows, rowCount = rows.Count });
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(c)));
        }

        foreach (var row in rows.Take(MaxTableRows))
        {
            table.AddRow(row.Select(v => Markup.Escape(FormatValue(v))).ToArray());
        }

        // Spectre sizes a table to the terminal, or to 80 columns when stdout is not one; a table asked for on a pipe or
        // file is as wide as its content, so no number is broken across lines.
        var console = Console.IsOutputRedirected
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out), Ansi = AnsiSupport.No })
            : AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 100_000;
        }

        console.Write(table);
        Console.WriteLine(rows.Count > MaxTableRows ? $"({rows.Count} rows, first {MaxTableRows} shown; use --csv for all)" : $"({rows.Count} row{(rows.Count == 1 ? string.Empty : "s")})");
    }

    private static string Format(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? string.Empty : FormatValue(reader.GetValue(i));

    private static string FormatValue(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
