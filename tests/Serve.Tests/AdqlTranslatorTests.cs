using Apdb.Serve.Adql;
using Apdb.Serve.Catalog;

namespace Apdb.Serve.Tests;

public sealed class AdqlTranslatorTests
{
    private static TranslatedQuery Translate(string adql, long limit = 101) => AdqlTranslator.Translate(TapCatalog.Default, adql, limit);

    private static string Refused(string adql) => Assert.Throws<AdqlException>(() => Translate(adql)).Message;

    [Fact]
    public void A_simple_query_becomes_quoted_columns_under_generated_aliases_with_a_limit()
    {
        var q = Translate("SELECT TOP 10 diaObjectId, ra AS alpha, nDiaSources FROM DiaObjectLast WHERE nDiaSources >= 3 ORDER BY alpha DESC");
        Assert.Equal(
            "SELECT t0.\"diaObjectId\" AS \"diaObjectId\", t0.\"ra\" AS \"alpha\", t0.\"nDiaSources\" AS \"nDiaSources\" FROM \"DiaObjectLast\" AS t0 "
            + "WHERE (t0.\"nDiaSources\" >= 3) ORDER BY \"alpha\" DESC LIMIT 10",
            q.Sql);
        Assert.Equal(["diaObjectId", "alpha", "nDiaSources"], q.Fields.Select(f => f.Name));
        Assert.Equal("deg", q.Fields[1].Column!.Unit);
    }

    [Fact]
    public void The_row_limit_caps_a_larger_TOP_and_applies_without_one()
    {
        Assert.EndsWith("LIMIT 101", Translate("SELECT TOP 999999999999 ra FROM DiaSource").Sql, StringComparison.Ordinal);
        Assert.EndsWith("LIMIT 101", Translate("SELECT ra FROM DiaSource").Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Regular_identifiers_match_columns_in_any_case_and_quoted_ones_exactly()
    {
        Assert.Contains("t0.\"diaObjectId\"", Translate("SELECT DIAOBJECTID FROM diaobjectlast").Sql, StringComparison.Ordinal);
        Assert.Contains("did you mean \"diaObjectId\"", Refused("SELECT \"DIAOBJECTID\" FROM DiaObjectLast"), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_tables_and_columns_are_named_in_the_error()
    {
        Assert.Contains("unknown table Nope", Refused("SELECT ra FROM Nope"), StringComparison.Ordinal);
        Assert.Contains("unknown column psfMag in DiaSource", Refused("SELECT psfMag FROM DiaSource"), StringComparison.Ordinal);
        Assert.Contains("unknown table or alias x", Refused("SELECT x.ra FROM DiaSource AS s"), StringComparison.Ordinal);
        Assert.Contains("ambiguous", Refused("SELECT ra FROM DiaSource AS s JOIN DiaObjectLast AS o ON s.diaObjectId = o.diaObjectId"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE FROM DiaSource", "only SELECT queries")]
    [InlineData("DROP TABLE DiaSource", "only SELECT queries")]
    [InlineData("INSERT INTO metadata VALUES ('a', 'b')", "only SELECT queries")]
    [InlineData("SELECT ra FROM DiaSource; DELETE FROM DiaSource", "only one query")]
    [InlineData("SELECT ra FROM DiaSource UNION SELECT ra FROM DiaObject", "UNION is not supported")]
    [InlineData("SELECT pg_sleep(10) FROM DiaSource", "unknown function PG_SLEEP")]
    [InlineData("SELECT ra FROM DiaSource WHERE 1 = pg_catalog.pg_sleep(5)", "unexpected '('")]
    [InlineData("SELECT current_setting('x') FROM DiaSource", "unknown function CURRENT_SETTING")]
    [InlineData("SELECT ra FROM pg_catalog.pg_authid", "unknown table pg_catalog.pg_authid")]
    [InlineData("SELECT ra FROM (SELECT ra FROM DiaSource) AS s", "subqueries are not supported")]
    [InlineData("SELECT ra FROM DiaSource LIMIT 5", "use SELECT TOP n")]
    [InlineData("SELECT ra FROM DiaSource WHERE band = 'r", "unterminated string literal")]
    [InlineData("SELECT ra FROM DiaSource WHERE \"ra\"\"; DROP TABLE x; --\" > 0", "unknown column")]
    [InlineData("", "the query is empty")]
    public void Anything_but_one_query_over_known_tables_and_functions_is_refused(string adql, string reason)
    {
        Assert.Contains(reason, Refused(adql), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(", 40_000)]
    [InlineData("NOT ", 24_000)]
    [InlineData("- ", 45_000)]
    [InlineData(" AND ra > 0", 8_000)]
    public void Hostile_nesting_is_translated_or_refused_but_never_takes_the_process_down(string unit, int count)
    {
        var repeated = string.Concat(Enumerable.Repeat(unit, count));
        var adql = unit switch
        {
            "(" => $"SELECT ra FROM DiaSource WHERE {repeated}ra > 0{new string(')', count)}",
            " AND ra > 0" => $"SELECT ra FROM DiaSource WHERE ra > 0{repeated}",
            "- " => $"SELECT ra FROM DiaSource WHERE ra > {repeated}1",
            _ => $"SELECT ra FROM DiaSource WHERE {repeated}ra > 0",
        };
        var error = Record.Exception(() => Translate(adql));
        Assert.True(error is null || error.Message.Contains("nested too deeply", StringComparison.Ordinal), error?.ToString());
    }

    [Fact]
    public void A_query_longer_than_the_limit_is_refused()
    {
        var adql = "SELECT ra FROM DiaSource WHERE ra > 0" + string.Concat(Enumerable.Repeat(" AND ra > 0", 10_000));
        Assert.Equal($"the query is {adql.Length} characters long; this service takes at most 100000", Refused(adql));
    }

    [Fact]
    public void A_syntax_error_gives_its_line_and_column()
    {
        Assert.Equal("ADQL error at line 2, column 26: expected a value, found the end of the query", Refused("SELECT ra\nFROM DiaSource WHERE ra >"));
    }

    [Fact]
    public void A_string_literal_cannot_break_out_of_its_quotes()
    {
        var q = Translate("SELECT ra FROM DiaSource WHERE band = 'r''; DROP TABLE \"DiaSource\"; --'");
        Assert.Contains("(t0.\"band\" = 'r''; DROP TABLE \"DiaSource\"; --')", q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cone_on_a_tables_own_position_reads_it_through_pixel_ranges_and_keeps_the_exact_test()
    {
        var q = Translate("SELECT s.diaSourceId FROM DiaSource AS s WHERE CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', 60.0, -62.0, 0.05)) = 1 AND s.band = 'g'");
        Assert.Equal(1, q.ConeTables);
        Assert.Contains("healpix_cone_ranges(60::double precision, -62::double precision, 0.05::double precision) AS r CROSS JOIN LATERAL (SELECT * FROM \"DiaSource\" AS p WHERE p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi OFFSET 0)", q.Sql, StringComparison.Ordinal);
        Assert.Contains("(healpix_angdist_deg(60::double precision, (-62::double precision), t0.\"ra\", t0.\"dec\") <= 0.05::double precision)", q.Sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 60, -62)) < 0.1", 1)]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -62, 360.0 / 3600))", 1)]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE INTERSECTS(CIRCLE('ICRS', 60, -62, 0.1), POINT('ICRS', ra, dec)) = 1", 1)]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -62, 0.1)) = 1 OR nDiaSources > 5", 0)]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -62, 0.1)) = 0", 0)]
    [InlineData("SELECT o.ra FROM DiaObjectLast AS o JOIN DiaSource AS s ON s.diaObjectId = o.diaObjectId WHERE CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', o.ra, o.dec, 0.001)) = 1", 0)]
    [InlineData("SELECT ra FROM metadata AS m, DiaObjectLast WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -62, 0.1)) = 1", 1)]
    public void Only_a_constant_cone_that_every_row_must_satisfy_uses_the_pixel_index(string adql, int coneTables)
    {
        Assert.Equal(coneTables, Translate(adql).ConeTables);
    }

    [Theory]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -62, 0)) = 1", "radius")]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 60, -95, 1)) = 1", "-95")]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(POINT('GALACTIC', ra, dec), CIRCLE('ICRS', 60, -62, 1)) = 1", "'ICRS'")]
    [InlineData("SELECT POINT('ICRS', ra, dec) FROM DiaObjectLast", "only supported inside")]
    [InlineData("SELECT ra FROM DiaObjectLast WHERE CONTAINS(CIRCLE('ICRS', 60, -62, 1), POINT('ICRS', ra, dec)) = 1", "POINT and a CIRCLE")]
    public void Bad_geometry_is_refused_with_the_reason(string adql, string reason)
    {
        Assert.Contains(reason, Refused(adql), StringComparison.Ordinal);
    }

    [Fact]
    public void The_usual_predicates_functions_and_clauses_translate()
    {
        var q = Translate(
            "SELECT DISTINCT band, COUNT(*) AS n, AVG(psfFlux), ROUND(MAX(snr), 2) FROM DiaSource "
            + "WHERE midpointMjdTai BETWEEN 60000 AND 61000 AND band IN ('g', 'r') AND NOT (psfFlux IS NULL) AND band LIKE '_' "
            + "AND ABS(ra - 60) < 1 AND isDipole = 0 GROUP BY band HAVING COUNT(*) > 1 ORDER BY 2 DESC, band");
        Assert.Contains("count(*) AS \"n\"", q.Sql, StringComparison.Ordinal);
        Assert.Contains("BETWEEN 60000 AND 61000", q.Sql, StringComparison.Ordinal);
        Assert.Contains("(t0.\"band\" IN ('g', 'r'))", q.Sql, StringComparison.Ordinal);
        Assert.Contains("(t0.\"isDipole\" = FALSE)", q.Sql, StringComparison.Ordinal);
        Assert.Contains("round((max(t0.\"snr\"))::numeric, (2)::integer)", q.Sql, StringComparison.Ordinal);
        Assert.Contains("GROUP BY t0.\"band\" HAVING (count(*) > 1) ORDER BY 2 DESC, t0.\"band\" ASC", q.Sql, StringComparison.Ordinal);
        Assert.Equal(["band", "n", "avg", "round"], q.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Select_star_over_a_join_names_every_column_once()
    {
        var q = Translate("SELECT * FROM DiaObjectLast AS o LEFT OUTER JOIN DiaForcedSource AS f ON f.diaObjectId = o.diaObjectId");
        var expected = TapCatalog.Default.Find(null, new Identifier("DiaObjectLast", false))!.Columns.Count
            + TapCatalog.Default.Find(null, new Identifier("DiaForcedSource", false))!.Columns.Count;
        Assert.Equal(expected, q.Fields.Count);
        Assert.Equal(q.Fields.Count, q.Fields.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("LEFT JOIN \"DiaForcedSource\" AS t1 ON", q.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void TAP_SCHEMA_tables_are_queryable_and_describe_the_APDB_with_units()
    {
        var q = Translate("SELECT column_name, unit FROM TAP_SCHEMA.columns WHERE table_name = 'DiaSource'");
        Assert.Contains("(VALUES", q.Sql, StringComparison.Ordinal);
        Assert.Contains("'DiaSource'::text, 'psfFlux'::text", q.Sql, StringComparison.Ordinal);
        Assert.Contains("'nJy'::text", q.Sql, StringComparison.Ordinal);
    }
}
