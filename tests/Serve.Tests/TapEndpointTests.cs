using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Apdb.Serve.Tap;

namespace Apdb.Serve.Tests;

[Collection(ServeCollection.Name)]
public sealed class TapEndpointTests
{
    private const string Cone = "CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60.0, -62.0, 0.05)) = 1";
    private readonly ServeFixture _serve;

    public TapEndpointTests(ServeFixture serve)
    {
        _serve = serve;
    }

    private async Task<(HttpStatusCode Status, string Body, string? Type)> SyncAsync(string query, string? format = null, string? maxrec = null)
    {
        var form = new Dictionary<string, string> { ["REQUEST"] = "doQuery", ["LANG"] = "ADQL", ["QUERY"] = query };
        if (format is not null)
        {
            form["RESPONSEFORMAT"] = format;
        }

        if (maxrec is not null)
        {
            form["MAXREC"] = maxrec;
        }

        using var response = await _serve.Http.PostAsync("tap/sync", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_sync_cone_query_returns_exactly_the_rows_of_dia_objects_in_cone()
    {
        var expected = await _serve.ScalarsAsync("SELECT \"diaObjectId\" FROM dia_objects_in_cone(60.0, -62.0, 0.05) ORDER BY 1");
        Assert.True(expected.Count > 10, $"the tiny history has only {expected.Count} objects in the test cone");
        var (status, body, type) = await SyncAsync($"SELECT diaObjectId, ra, dec, nDiaSources FROM DiaObjectLast WHERE {Cone} ORDER BY diaObjectId");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("application/x-votable+xml", type, StringComparison.Ordinal);
        var table = VoTable.Parse(body);
        Assert.Equal([("OK", string.Empty)], table.Statuses);
        Assert.Equal(expected, table.Rows.Select(r => long.Parse(r[0]!, CultureInfo.InvariantCulture)));
        var ra = table.Fields[1];
        Assert.Equal(("double", "deg", "pos.eq.ra;meta.main"), ((string)ra.Attribute("datatype")!, (string)ra.Attribute("unit")!, (string)ra.Attribute("ucd")!));
    }

    [Fact]
    public async Task BINARY2_and_CSV_carry_the_same_values_as_TABLEDATA_nulls_included()
    {
        const string query = "SELECT TOP 50 diaSourceId, ra, psfFlux, band, ssObjectId, isDipole, detector FROM DiaSource ORDER BY diaSourceId";
        var td = VoTable.Parse((await SyncAsync(query)).Body);
        var (status, body, type) = await SyncAsync(query, "votable/b2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/x-votable+xml;serialization=BINARY2", type!.Replace(" ", string.Empty, StringComparison.Ordinal));
        var b2 = VoTable.Parse(body);
        Assert.Equal(50, td.Rows.Count);
        Assert.Equal(td.Rows.Select(r => string.Join("|", r)), b2.Rows.Select(r => string.Join("|", r)));
        Assert.Contains(td.Rows, r => r[4] is null);
        var csv = (await SyncAsync(query, "csv")).Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("diaSourceId,ra,psfFlux,band,ssObjectId,isDipole,detector", csv[0]);
        Assert.Equal(td.Rows.Select(r => r[0]), csv.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task MAXREC_cuts_the_rows_and_flags_OVERFLOW_after_the_table()
    {
        var (status, body, _) = await SyncAsync("SELECT diaSourceId FROM DiaSource", maxrec: "7");
        Assert.Equal(HttpStatusCode.OK, status);
        var table = VoTable.Parse(body);
        Assert.Equal(7, table.Rows.Count);
        Assert.Equal(["OK", "OVERFLOW"], table.Statuses.Select(s => s.Value));
        Assert.True(body.IndexOf("OVERFLOW", StringComparison.Ordinal) > body.IndexOf("</TABLE>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_huge_TOP_is_bounded_by_the_services_hard_row_limit()
    {
        var total = (await _serve.ScalarsAsync("SELECT count(*) FROM \"DiaSource\""))[0];
        Assert.True(total > _serve.Options.HardMaxRec, $"the tiny history has only {total} DiaSources");
        var table = VoTable.Parse((await SyncAsync("SELECT TOP 2000000000 diaSourceId FROM DiaSource", maxrec: "999999999")).Body);
        Assert.Equal(_serve.Options.HardMaxRec, table.Rows.Count);
        Assert.Equal("OVERFLOW", table.Statuses[^1].Value);
    }

    [Theory]
    [InlineData("SELECT pg_sleep(60) FROM DiaSource", "unknown function PG_SLEEP")]
    [InlineData("DELETE FROM DiaSource", "only SELECT queries")]
    [InlineData("SELECT ra FROM DiaSource; DROP TABLE \"DiaSource\"", "only one query")]
    [InlineData("SELECT nope FROM DiaSource", "unknown column nope")]
    [InlineData("SELECT ra FROM DiaSource WHERE ra / 0 > 1", "division by zero")]
    public async Task Hostile_or_bad_ADQL_gets_a_400_error_document_and_the_tables_stay(string query, string reason)
    {
        var (status, body, _) = await SyncAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var table = VoTable.Parse(body);
        Assert.Equal("ERROR", table.Statuses.Single().Value);
        Assert.Contains(reason, table.Statuses.Single().Text, StringComparison.Ordinal);
        Assert.True((await _serve.ScalarsAsync("SELECT count(*) FROM \"DiaSource\""))[0] > 0);
    }

    [Fact]
    public async Task A_query_that_runs_too_long_is_cancelled_by_the_statement_timeout()
    {
        var (status, body, _) = await SyncAsync("SELECT COUNT(*) FROM DiaSource AS a, DiaSource AS b, DiaSource AS c WHERE a.ra + b.ra > c.ra");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("statement timeout", VoTable.Parse(body).Statuses.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_services_login_cannot_write_even_with_raw_SQL()
    {
        var runner = new TapQueryRunner(_serve.Reader, Catalog.TapCatalog.Default, _serve.Options);
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => runner.ReadAsync("DELETE FROM \"DiaSource\"", [], default));
        Assert.Contains(error.SqlState, new[] { "25006", "42501" });
        await using var command = _serve.Reader.CreateCommand("SELECT has_table_privilege(current_user, '\"DiaSource\"', 'INSERT,UPDATE,DELETE,TRUNCATE')");
        Assert.False((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_cone_on_DiaSource_never_scans_the_table()
    {
        var runner = new TapQueryRunner(_serve.Reader, Catalog.TapCatalog.Default, _serve.Options);
        var request = TapRequest.From(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = $"SELECT * FROM DiaSource WHERE {Cone}" }, _serve.Options);
        var rows = await runner.ReadAsync("EXPLAIN " + runner.Translate(request).Sql, [], default);
        var plan = string.Join("\n", rows.Select(r => (string)r[0]!));
        Assert.Contains("Index Scan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TAP_SCHEMA_describes_the_columns_with_units_and_tables_agrees()
    {
        var table = VoTable.Parse((await SyncAsync("SELECT table_name, column_name, unit, datatype, indexed FROM TAP_SCHEMA.columns WHERE table_name = 'DiaSource' AND column_name IN ('psfFlux', 'pixelId')")).Body);
        Assert.Equal(["DiaSource|pixelId||long|1", "DiaSource|psfFlux|nJy|float|0"], table.Rows.Select(r => string.Join("|", r)).Order(StringComparer.Ordinal));
        var tables = XDocument.Parse(await _serve.Http.GetStringAsync("tap/tables"));
        var names = tables.Descendants("table").Select(t => (string)t.Element("name")!).ToList();
        Assert.Contains("DiaObjectLast", names);
        Assert.Contains("TAP_SCHEMA.columns", names);
        var count = VoTable.Parse((await SyncAsync("SELECT COUNT(*) AS n FROM TAP_SCHEMA.columns")).Body).Rows.Single()[0];
        Assert.Equal(tables.Descendants("column").Count().ToString(CultureInfo.InvariantCulture), count);
    }

    [Fact]
    public async Task Capabilities_and_availability_answer()
    {
        var capabilities = await _serve.Http.GetStringAsync("tap/capabilities");
        Assert.Contains("standardID=\"ivo://ivoa.net/std/TAP\"", capabilities, StringComparison.Ordinal);
        Assert.Contains($"<accessURL use=\"base\">{_serve.TapUrl.ToString().TrimEnd('/')}</accessURL>", capabilities, StringComparison.Ordinal);
        var availability = XDocument.Parse(await _serve.Http.GetStringAsync("tap/availability"));
        Assert.Equal("true", availability.Descendants().Single(e => e.Name.LocalName == "available").Value);
    }

    [Fact]
    public async Task An_async_job_runs_to_completion_and_its_result_equals_the_sync_answer()
    {
        var query = $"SELECT diaObjectId FROM DiaObjectLast WHERE {Cone} ORDER BY diaObjectId";
        using var create = await _serve.Http.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = query, ["PHASE"] = "RUN" }));
        Assert.Equal(HttpStatusCode.SeeOther, create.StatusCode);
        var job = create.Headers.Location!;
        var document = XDocument.Parse(await _serve.Http.GetStringAsync(job + "?WAIT=30"));
        XNamespace uws = "http://www.ivoa.net/xml/UWS/v1.0";
        Assert.Equal("COMPLETED", document.Root!.Element(uws + "phase")!.Value);
        var result = VoTable.Parse(await _serve.Http.GetStringAsync(job + "/results/result"));
        var sync = VoTable.Parse((await SyncAsync(query)).Body);
        Assert.Equal(sync.Rows.Select(r => r[0]), result.Rows.Select(r => r[0]));
        using var delete = await _serve.Http.DeleteAsync(job);
        Assert.Equal(HttpStatusCode.SeeOther, delete.StatusCode);
        using var gone = await _serve.Http.GetAsync(job);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_failing_async_job_ends_in_ERROR_with_its_message()
    {
        using var create = await _serve.Http.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = "SELECT nope FROM DiaObjectLast" }));
        var job = create.Headers.Location!;
        Assert.Equal("PENDING", await _serve.Http.GetStringAsync(job + "/phase"));
        using var run = await _serve.Http.PostAsync(job + "/phase", new FormUrlEncodedContent(new Dictionary<string, string> { ["PHASE"] = "RUN" }));
        Assert.Equal(HttpStatusCode.SeeOther, run.StatusCode);
        _ = await _serve.Http.GetStringAsync(job + "?WAIT=30");
        Assert.Equal("ERROR", await _serve.Http.GetStringAsync(job + "/phase"));
        Assert.Contains("unknown column nope", VoTable.Parse(await _serve.Http.GetStringAsync(job + "/error")).Statuses.Single().Text, StringComparison.Ordinal);
    }
}
