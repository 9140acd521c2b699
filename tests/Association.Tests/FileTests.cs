using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Apdb.Association.Tests;

public sealed class FileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-assoc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Csv_columns_may_come_in_any_order_with_optional_errors_and_empty_cells_as_unknown()
    {
        var path = Write("s.csv", "dec,decErr,id,extra,ra,raErr\n-10.5,2e-5,7,x,20.25,1e-5\n30,,8,y,359.5,\n");
        var c = await CatalogFile.ReadAsync(path, "source");
        Assert.Equal([7L, 8L], c.Ids.ToArray());
        Assert.Equal([20.25, 359.5], c.RaDeg.ToArray());
        Assert.Equal([-10.5, 30.0], c.DecDeg.ToArray());
        Assert.True(c.HasErrors);
        Assert.Equal(1e-5, c.RaErrDeg[0]);
        Assert.True(double.IsNaN(c.RaErrDeg[1]));
        Assert.True(double.IsNaN(c.DecErrDeg[1]));
    }

    [Fact]
    public async Task A_missing_column_names_the_file_and_the_column()
    {
        var path = Write("o.csv", "id,ra\n1,2\n");
        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "object"));
        Assert.StartsWith($"{path}: required column 'dec' is missing", e.Message);
    }

    [Fact]
    public async Task A_lone_error_column_is_named()
    {
        var path = Write("o.csv", "id,ra,dec,raErr\n1,2,3,1e-5\n");
        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "object"));
        Assert.Equal($"{path}: column 'decErr' is missing (raErr and decErr come together)", e.Message);
    }

    [Theory]
    [InlineData("id,ra,dec\n1,2,3\n2,abc,3\n", ":3: column 'ra': 'abc' is not a number")]
    [InlineData("id,ra,dec\n1.5,2,3\n", ":2: column 'id': '1.5' is not an integer")]
    [InlineData("id,ra,dec\n1,2,3\n\n3,4\n", ":4: expected 3 values, found 2")]
    [InlineData("id,ra,dec\n1,2,\n", ":2: column 'dec': '' is not a number")]
    public async Task A_bad_value_names_the_file_line_and_column(string text, string expected)
    {
        var path = Write("bad.csv", text);
        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "source"));
        Assert.Equal(path + expected, e.Message);
    }

    [Fact]
    public async Task An_invalid_row_names_the_file_and_the_row_id()
    {
        var path = Write("s.csv", "id,ra,dec\n5,1,1\n123,10,91\n");
        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "source"));
        Assert.Equal($"{path}: source 123: dec = 91 is outside [-90, 90]", e.Message);
    }

    [Fact]
    public async Task A_missing_file_is_a_clear_error()
    {
        var path = Path.Combine(_dir, "nope.csv");
        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "source"));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public async Task Parquet_is_read_by_extension_with_nullable_errors_and_float_columns()
    {
        var path = Path.Combine(_dir, "o.parquet");
        var id = new DataField<long>("id");
        var ra = new DataField<double>("ra");
        var dec = new DataField<float>("dec");
        var raErr = new DataField<double?>("raErr");
        var decErr = new DataField<double?>("decErr");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(dec, id, raErr, ra, decErr), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<float>(dec, new float[] { -45.5f, 10f });
            await group.WriteAsync<long>(id, new long[] { 3, 4 });
            await group.WriteAsync<double>(raErr, new double?[] { 1e-5, null });
            await group.WriteAsync<double>(ra, new double[] { 12.5, 300.125 });
            await group.WriteAsync<double>(decErr, new double?[] { 2e-5, null });
        }

        var c = await CatalogFile.ReadAsync(path, "object");
        Assert.Equal([3L, 4L], c.Ids.ToArray());
        Assert.Equal([12.5, 300.125], c.RaDeg.ToArray());
        Assert.Equal([-45.5, 10.0], c.DecDeg.ToArray());
        Assert.Equal(1e-5, c.RaErrDeg[0]);
        Assert.True(double.IsNaN(c.DecErrDeg[1]));
    }

    [Fact]
    public async Task A_parquet_file_without_dec_names_the_column()
    {
        var path = Path.Combine(_dir, "s.parquet");
        var id = new DataField<long>("id");
        var ra = new DataField<double>("ra");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, ra), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, new long[] { 1 });
            await group.WriteAsync<double>(ra, new double[] { 1 });
        }

        var e = await Assert.ThrowsAsync<AssociationInputException>(() => CatalogFile.ReadAsync(path, "source"));
        Assert.StartsWith($"{path}: required column 'dec' is missing", e.Message);
    }

    [Fact]
    public async Task The_match_csv_has_one_line_per_source_with_round_trip_distances_and_empty_unmatched_cells()
    {
        var path = Path.Combine(_dir, "m.csv");
        var distance = 0.1 + 0.2;
        await MatchFile.WriteCsvAsync(path, [new MatchResult(5, 77, distance), new MatchResult(6, null, double.NaN)]);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(["sourceId,objectId,distArcsec", "5,77,0.30000000000000004", "6,,"], lines);
        Assert.Equal(distance, double.Parse(lines[1].Split(',')[2], CultureInfo.InvariantCulture));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
