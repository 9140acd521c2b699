using Parquet;
using Parquet.Schema;

namespace Apdb.Cli.Tables;

/// <summary>
/// Apache Parquet (Parquet.Net), one row group. Units and descriptions go into the file's key-value metadata as
/// <c>table_meta_yaml</c>, the key astropy writes and reads them from.
/// </summary>
internal sealed class ParquetTableWriter : ITableWriter
{
    public void Write(Stream stream, OutputTable table) => WriteAsync(stream, table).GetAwaiter().GetResult();

    private static async Task WriteAsync(Stream stream, OutputTable table)
    {
        var fields = table.Columns.Select(c => new DataField(c.Name, c.ElementType, c.Values is long?[] or double?[] || c.ElementType == typeof(string))).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["table_meta_yaml"] = string.Join('\n', EcsvTableWriter.HeaderYaml(table)),
        };
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var task = table.Columns[i].Values switch
            {
                long[] v => group.WriteAsync<long>(field, v),
                long?[] v => group.WriteAsync<long>(field, (ReadOnlyMemory<long?>)v),
                int[] v => group.WriteAsync<int>(field, v),
                short[] v => group.WriteAsync<short>(field, v),
                double[] v => group.WriteAsync<double>(field, v),
                double?[] v => group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)v),
                float[] v => group.WriteAsync<float>(field, v),
                bool[] v => group.WriteAsync<bool>(field, v),
                string[] v => group.WriteAsync(field, v),
                var other => throw new NotSupportedException($"column {field.Name}: {other.GetType().Name} values"),
            };
            await task;
        }
    }
}
