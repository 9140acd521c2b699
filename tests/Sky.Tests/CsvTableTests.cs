namespace Apdb.Sky.Tests;

public sealed class CsvTableTests
{
    private static CsvTable Open(string text) => CsvTable.Open(new StringReader(text), "t.csv");

    [Fact]
    public void Quoted_fields_keep_their_commas_and_doubled_quotes()
    {
        using var table = Open("id,name,ra\n7,\"Smith, \"\"J\"\"\",\" 10.5 \"\n");
        var id = table.Require("ID");
        var name = table.Require("name");
        var ra = table.Require("ra");
        Assert.True(table.Read());
        Assert.Equal(7, table.Long(id));
        Assert.Equal("Smith, \"J\"", table.String(name));
        Assert.Equal(10.5, table.Double(ra));
        Assert.False(table.Read());
    }

    [Fact]
    public void A_bad_value_names_the_source_line_and_column()
    {
        using var table = Open("id,ra,dec\n1,2,3\n\n2,abc,3\n");
        var ra = table.Require("ra");
        Assert.True(table.Read());
        Assert.Equal(2.0, table.Double(ra));
        Assert.True(table.Read());
        Assert.Equal(4, table.Line);
        var e = Assert.Throws<CsvInputException>(() => table.Double(ra));
        Assert.Equal("t.csv:4: column 'ra': 'abc' is not a number", e.Message);
    }

    [Fact]
    public void A_quoted_field_over_two_lines_reports_the_line_where_its_row_starts()
    {
        using var table = Open("id,note,x\n1,\"two\nlines\",1\n2,ok,x\n");
        var x = table.Require("x");
        Assert.True(table.Read());
        Assert.Equal("two\nlines", table.String(table.Require("note")));
        Assert.True(table.Read());
        Assert.Equal(4, table.Line);
        Assert.Equal("t.csv:4: column 'x': 'x' is not a number", Assert.Throws<CsvInputException>(() => table.Double(x)).Message);
    }

    [Fact]
    public void An_empty_cell_is_NaN_only_where_that_is_allowed()
    {
        using var table = Open("id,raErr\n1,\n");
        Assert.True(table.Read());
        Assert.True(double.IsNaN(table.DoubleOrNaN(1)));
        Assert.Equal("t.csv:2: column 'raErr': '' is not a number", Assert.Throws<CsvInputException>(() => table.Double(1)).Message);
        Assert.Equal("t.csv:2: column 'id': '1' is not finite", table.Bad(0, "is not finite").Message);
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_refused_with_its_line()
    {
        using var table = Open("id,ra,dec\n1,2,3\n3,4\n");
        Assert.True(table.Read());
        Assert.Equal("t.csv:3: expected 3 values, found 2", Assert.Throws<CsvInputException>(() => table.Read()).Message);
    }

    [Fact]
    public void An_empty_input_is_refused()
    {
        Assert.Equal("t.csv: empty file (expected a header line naming the columns)", Assert.Throws<CsvInputException>(() => Open(string.Empty)).Message);
    }

    [Fact]
    public void A_header_without_a_required_column_is_quoted_in_the_error()
    {
        using var table = Open("id,ra,ddd\n1,2,3\n");
        Assert.Equal(-1, table.Find("dec"));
        Assert.Equal("t.csv: required column 'dec' is missing (found: 'id,ra,ddd')", Assert.Throws<CsvInputException>(() => table.Require("dec")).Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.csv");
        Assert.Equal($"{path}: file not found", Assert.Throws<CsvInputException>(() => CsvTable.OpenFile(path)).Message);
    }
}
