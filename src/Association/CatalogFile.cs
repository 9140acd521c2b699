using Apdb.Sky;
using Parquet;
using Parquet.Schema;

namespace Apdb.Association;

/// <summary>
/// Reads catalogs from CSV or Parquet (chosen by the ".parquet" extension): columns <c>id,ra,dec</c> in any order plus
/// optional <c>raErr,decErr</c> (degrees; an empty cell means unknown). Column names match case-insensitively.
/// </summary>
public static class CatalogFile
{
    /// <summary>Reads and validates a catalog.</summary>
    /// <param name="path">A CSV file, or a Parquet file when the name ends in ".parquet".</param>
    /// <param name="label">What a row is called in messages ("object", "source").</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="AssociationInputException">The file is missing, lacks a column, has a bad number (file:line) or a bad row (file: row id).</exception>
    public static async Task<Catalog> ReadAsync(string path, string label, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (!File.Exists(path))
        {
            throw new AssociationInputException($"{path}: file not found");
        }

        var columns = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? await ReadParquetAsync(path, cancellationToken).ConfigureAwait(false)
            : await ReadCsvAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Catalog.FromArrays(columns.Ids, columns.Ra, columns.Dec, columns.RaErr, columns.DecErr, label);
        }
        catch (AssociationInputException e)
        {
            throw new AssociationInputException($"{path}: {e.Message}", e);
        }
    }

    private sealed record Columns(long[] Ids, double[] Ra, double[] Dec, double[]? RaErr, double[]? DecErr);

    private static Task<Columns> ReadCsvAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(ReadCsv(path, cancellationToken));
        }
        catch (CsvInputException e)
        {
            throw new AssociationInputException(e.Message, e);
        }
    }

    private static Columns ReadCsv(string path, CancellationToken cancellationToken)
    {
        using var table = CsvTable.OpenFile(path);
        var idCol = table.Require("id");
        var raCol = table.Require("ra");
        var decCol = table.Require("dec");
        var raErrCol = table.Find("raErr");
        var decErrCol = table.Find("decErr");
        if ((raErrCol < 0) != (decErrCol < 0))
        {
            throw new AssociationInputException($"{path}: column '{(raErrCol < 0 ? "raErr" : "decErr")}' is missing (raErr and decErr come together)");
        }

        var hasErrors = raErrCol >= 0;
        var ids = new List<long>();
        var ra = new List<double>();
        var dec = new List<double>();
        var raErr = new List<double>();
        var decErr = new List<double>();
        while (table.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Add(table.Long(idCol));
            ra.Add(table.Double(raCol));
            dec.Add(table.Double(decCol));
            if (hasErrors)
            {
                raErr.Add(table.DoubleOrNaN(raErrCol));
                decErr.Add(table.DoubleOrNaN(decErrCol));
            }
        }

        return new Columns([.. ids], [.. ra], [.. dec], hasErrors ? [.. raErr] : null, hasErrors ? [.. decErr] : null);
    }

    private static int Required(string[] names, string name, string path)
    {
        var i = Optional(names, name);
        return i >= 0 ? i : throw new AssociationInputException($"{path}: required column '{name}' is missing (found: {UserText.Quote(string.Join(",", names))})");
    }

    private static int Optional(string[] names, string name) =>
        Array.FindIndex(names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    private static async Task<Columns> ReadParquetAsync(string path, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new AssociationInputException($"{path}: not a readable Parquet file ({e.Message})", e);
        }

        await using (reader.ConfigureAwait(false))
        {
            var fields = reader.Schema.GetDataFields();
            var names = fields.Select(f => f.Name).ToArray();
            var idField = fields[Required(names, "id", path)];
            var raField = fields[Required(names, "ra", path)];
            var decField = fields[Required(names, "dec", path)];
            var raErrIndex = Optional(names, "raErr");
            var decErrIndex = Optional(names, "decErr");
            if ((raErrIndex < 0) != (decErrIndex < 0))
            {
                throw new AssociationInputException($"{path}: column '{(raErrIndex < 0 ? "raErr" : "decErr")}' is missing (raErr and decErr come together)");
            }

            var ids = new List<long>();
            var ra = new List<double>();
            var dec = new List<double>();
            var raErr = new List<double>();
            var decErr = new List<double>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                var rowBase = ids.Count;
                ids.AddRange(await ReadIdsAsync(group, idField, n, path, rowBase, cancellationToken).ConfigureAwait(false));
                ra.AddRange(await ReadDoublesAsync(group, raField, n, path, rowBase, allowNull: false, cancellationToken).ConfigureAwait(false));
                dec.AddRange(await ReadDoublesAsync(group, decField, n, path, rowBase, allowNull: false, cancellationToken).ConfigureAwait(false));
                if (raErrIndex >= 0)
                {
                    raErr.AddRange(await ReadDoublesAsync(group, fields[raErrIndex], n, path, rowBase, allowNull: true, cancellationToken).ConfigureAwait(false));
                    decErr.AddRange(await ReadDoublesAsync(group, fields[decErrIndex], n, path, rowBase, allowNull: true, cancellationToken).ConfigureAwait(false));
                }
            }

            var hasErrors = raErrIndex >= 0;
            return new Columns([.. ids], [.. ra], [.. dec], hasErrors ? [.. raErr] : null, hasErrors ? [.. decErr] : null);
        }
    }

    private static async Task<long[]> ReadIdsAsync(ParquetRowGroupReader group, DataField field, int n, string path, int rowBase, CancellationToken cancellationToken)
    {
        long?[] values;
        if (field.ClrType == typeof(long))
        {
            values = await ReadColumnAsync<long>(group, field, n, cancellationToken).ConfigureAwait(false);
        }
        else if (field.ClrType == typeof(int))
        {
            values = Array.ConvertAll(await ReadColumnAsync<int>(group, field, n, cancellationToken).ConfigureAwait(false), v => (long?)v);
        }
        else
        {
            throw new AssociationInputException($"{path}: column {UserText.Quote(field.Name)} has type {field.ClrType.Name}, expected an integer");
        }

        var result = new long[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = values[i] ?? throw new AssociationInputException($"{path}: row {rowBase + i + 1}: column {UserText.Quote(field.Name)} is null");
        }

        return result;
    }

    private static async Task<double[]> ReadDoublesAsync(ParquetRowGroupReader group, DataField field, int n, string path, int rowBase, bool allowNull, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        double?[] values;
        if (type == typeof(double))
        {
            values = await ReadColumnAsync<double>(group, field, n, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(float))
        {
            values = Array.ConvertAll(await ReadColumnAsync<float>(group, field, n, cancellationToken).ConfigureAwait(false), v => (double?)v);
        }
        else if (type == typeof(long))
        {
            values = Array.ConvertAll(await ReadColumnAsync<long>(group, field, n, cancellationToken).ConfigureAwait(false), v => (double?)v);
        }
        else if (type == typeof(int))
        {
            values = Array.ConvertAll(await ReadColumnAsync<int>(group, field, n, cancellationToken).ConfigureAwait(false), v => (double?)v);
        }
        else
        {
            throw new AssociationInputException($"{path}: column {UserText.Quote(field.Name)} has type {type.Name}, expected a number");
        }

        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = values[i] ?? (allowNull ? double.NaN : throw new AssociationInputException($"{path}: row {rowBase + i + 1}: column {UserText.Quote(field.Name)} is null"));
        }

        return result;
    }

    private static async Task<TRaw?[]> ReadColumnAsync<TRaw>(ParquetRowGroupReader group, DataField field, int n, CancellationToken cancellationToken)
        where TRaw : struct
    {
        var values = new TRaw?[n];
        if (field.IsNullable)
        {
            await group.ReadAsync<TRaw>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var plain = new TRaw[n];
            await group.ReadAsync<TRaw>(field, plain.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < n; i++)
            {
                values[i] = plain[i];
            }
        }

        return values;
    }
}
