using Apdb.Records;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>The server-side sky functions agree with the C# sky index, with brute force and with q3c.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SqlFunctionTests(PostgresServer server) : IAsyncLifetime
{
    private const double VisitMjd = 61000.5;
    private ApdbDatabase _db = null!;
    private List<DiaObject> _objects = null!;

    public async Task InitializeAsync()
    {
        _db = await ApdbDatabase.CreateAsync(server, "sqlfn");
        var random = new Random(42);

        // Two fields: an ordinary one, and one across RA 0/360 near the north pole.
        _objects = [];
        for (var i = 0; i < 30000; i++)
        {
            var (ra, dec) = i % 2 == 0
                ? (150 + (random.NextDouble() * 2), 2 + (random.NextDouble() * 2))
                : ((359 + (random.NextDouble() * 2)) % 360, 88.5 + (random.NextDouble() * 1.5));
            _objects.Add(RowFactory.Object(random, 1_000_000 + i, ra, dec));
        }

        await _db.Store.StoreAsync(new DetectorVisit(1, 1), VisitMjd, _objects, [], []);
        await using var analyze = _db.DataSource.CreateCommand("ANALYZE \"DiaObjectLast\"");
        await analyze.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_server_hash_equals_the_CSharp_hash_at_every_depth_including_boundaries()
    {
        var random = new Random(7);
        var points = new List<(double Ra, double Dec)>
        {
            (0, 90), (0, -90), (123.4, 90), (0, 0), (360 - 1e-12, 0), (359.9999999999, -45), (45, 0), (90, 0), (180, 0), (270, 0),
        };
        var capBoundary = Math.Asin(2.0 / 3.0) * 180 / Math.PI;
        foreach (var dec in new[] { capBoundary, -capBoundary, Math.BitIncrement(capBoundary), Math.BitDecrement(capBoundary), 89.99999, -89.99999 })
        {
            for (var k = 0; k < 8; k++)
            {
                points.Add((k * 45.0, dec));
                points.Add((Math.BitIncrement(k * 45.0), dec));
            }
        }

        for (var i = 0; i < 3000; i++)
        {
            points.Add((random.NextDouble() * 360, Math.Asin((random.NextDouble() * 2) - 1) * 180 / Math.PI));
        }

        var ras = points.Select(p => p.Ra).ToArray();
        var decs = points.Select(p => p.Dec).ToArray();
        var mismatches = new List<string>();
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        foreach (var depth in new[] { 0, 1, 2, 5, 8, 12, 16, 20, 24, 27, 28, 29 })
        {
            await using var command = new NpgsqlCommand("SELECT healpix_nested_hash(@d, r, d) FROM unnest(@ra, @dec) WITH ORDINALITY AS t(r, d, n) ORDER BY n", connection);
            command.Parameters.AddWithValue("d", depth);
            command.Parameters.AddWithValue("ra", ras);
            command.Parameters.AddWithValue("dec", decs);
            await using var reader = await command.ExecuteReaderAsync();
            var i = 0;
            while (await reader.ReadAsync())
            {
                var expected = HealpixNested.Hash(depth, ras[i], decs[i]);
                if (reader.GetInt64(0) != expected)
                {
                    mismatches.Add($"depth {depth} ({ras[i]:R}, {decs[i]:R}): sql {reader.GetInt64(0)} != C# {expected}");
                }

                i++;
            }

            Assert.Equal(points.Count, i);
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task The_server_neighbours_and_pixel_radius_equal_the_CSharp_ones()
    {
        var random = new Random(11);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        foreach (var depth in new[] { 0, 1, 3, 7, 12, 20, 29 })
        {
            await using (var radius = new NpgsqlCommand("SELECT healpix_max_pixrad(@d)", connection))
            {
                radius.Parameters.AddWithValue("d", depth);
                var sql = (double)(await radius.ExecuteScalarAsync())!;
                Assert.Equal(HealpixNested.MaxPixelRadiusDeg(depth) * Math.PI / 180, sql, 1e-12);
            }

            // Random pixels plus the first and last of each base pixel (face corners, where the face tables matter).
            var ids = Enumerable.Range(0, 40).Select(_ => random.NextInt64(HealpixNested.PixelCount(depth)))
                .Concat(Enumerable.Range(0, 12).SelectMany(f => new[] { (long)f << (2 * depth), ((long)(f + 1) << (2 * depth)) - 1 }))
                .ToArray();
            foreach (var id in ids)
            {
                await using var command = new NpgsqlCommand("SELECT healpix_nested_neighbours(@d, @id)", connection);
                command.Parameters.AddWithValue("d", depth);
                command.Parameters.AddWithValue("id", id);
                var sql = (long[])(await command.ExecuteScalarAsync())!;
                Assert.Equal(HealpixNested.Neighbours(depth, id), sql);
            }
        }
    }

    [Fact]
    public async Task Cone_search_equals_brute_force_on_random_cones()
    {
        var random = new Random(99);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var checkedCones = 0;
        var nonEmpty = 0;
        for (var i = 0; i < 40; i++)
        {
            var (ra, dec) = i % 2 == 0
                ? (150 + (random.NextDouble() * 2), 2 + (random.NextDouble() * 2))
                : ((359 + (random.NextDouble() * 2)) % 360, 88.5 + (random.NextDouble() * 1.5));
            var radius = Math.Pow(10, -3 + (random.NextDouble() * 3)); // 3.6" to 1 deg
            var center = SkyPosition.FromDegrees(ra, dec);
            var expected = _objects
                .Where(o => AngularDistance.Degrees(center, SkyPosition.FromDegrees(o.Ra, o.Dec)) <= radius)
                .Select(o => o.DiaObjectId).Order().ToArray();

            await using var command = new NpgsqlCommand("SELECT \"diaObjectId\" FROM dia_objects_in_cone(@ra, @dec, @r) ORDER BY 1", connection);
            command.Parameters.AddWithValue("ra", ra);
            command.Parameters.AddWithValue("dec", dec);
            command.Parameters.AddWithValue("r", radius);
            var actual = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    actual.Add(reader.GetInt64(0));
                }
            }

            Assert.Equal(expected, actual);
            checkedCones++;
            nonEmpty += expected.Length > 0 ? 1 : 0;
        }

        Assert.Equal(40, checkedCones);
        Assert.True(nonEmpty >= 20, $"only {nonEmpty} of 40 cones held objects: the test would prove little");
    }

    [Fact]
    public async Task Server_cone_ranges_never_miss_a_pixel_the_CSharp_coverage_needs()
    {
        var random = new Random(5);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        for (var i = 0; i < 30; i++)
        {
            var center = SkyPosition.FromDegrees(random.NextDouble() * 360, (random.NextDouble() * 180) - 90);
            var radius = Math.Pow(10, -4 + (random.NextDouble() * 5.5));
            await using var command = new NpgsqlCommand("SELECT lo, hi FROM healpix_cone_ranges(@ra, @dec, @r)", connection);
            command.Parameters.AddWithValue("ra", center.RaDeg);
            command.Parameters.AddWithValue("dec", center.DecDeg);
            command.Parameters.AddWithValue("r", radius);
            var ranges = new List<PixelRange>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ranges.Add(new PixelRange(reader.GetInt64(0), reader.GetInt64(1)));
                }
            }

            Assert.InRange(ranges.Count, 1, 64);
            var coverage = PixelCoverage.FromRanges(29, ranges);

            // Points drawn inside the disc, and on its rim, must all fall in covered pixels.
            var axis = center.ToUnitVector();
            for (var k = 0; k < 400; k++)
            {
                var distance = k < 100 ? radius : radius * Math.Sqrt(random.NextDouble());
                var point = Offset(center, distance, random.NextDouble() * 360);
                Assert.True(coverage.Contains(HealpixNested.Hash(29, point)), $"cone {center} r={radius}: point {point} at {distance} deg is not covered");
            }

            Assert.True(axis.Z <= 1.0);
        }
    }

    [Theory]
    [InlineData("dia_objects_in_cone", "DiaObjectLast")]
    [InlineData("dia_sources_in_cone", "DiaSource")]
    public async Task Cone_functions_probe_the_pixel_index_and_never_scan_the_table(string function, string table)
    {
        // The function's own SQL, planned against a table large enough that a careless plan scans it: 40k objects
        // (and as many sources) spread over 4 x 4 deg, analyzed, all inside a transaction that is rolled back.
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var fill = new NpgsqlCommand(
            "INSERT INTO \"DiaObjectLast\" (\"diaObjectId\", \"validityStartMjdTai\", ra, dec, \"nDiaSources\", \"pixelId\") " +
            "SELECT 900000000 + g, 60000, 148 + (g % 200) * 0.02, 1 + (g / 200) * 0.02, 1, healpix_nested_hash(29, 148 + (g % 200) * 0.02, 1 + (g / 200) * 0.02) " +
            "FROM generate_series(0, 39999) AS g; " +
            "SELECT apdb_ensure_partitions(60000, 60001); " +
            "INSERT INTO \"DiaSource\" SELECT * FROM jsonb_populate_recordset(NULL::\"DiaSource\", (SELECT jsonb_agg(jsonb_build_object(" +
            "'diaSourceId', 900000000 + g, 'visit', 1, 'detector', 1, 'ra', 148 + (g % 200) * 0.02, 'dec', 1 + (g / 200) * 0.02, " +
            "'midpointMjdTai', 60000.5, 'band', 'r', 'x', 1, 'y', 1, 'psfNdata', 0, 'trailNdata', 0, 'dipoleNdata', 0, 'timeProcessedMjdTai', 60001, 'bboxSize', 10, " +
            "'pixelId', healpix_nested_hash(29, 148 + (g % 200) * 0.02, 1 + (g / 200) * 0.02))) " +
            "FROM generate_series(0, 39999) AS g)); " +
            "ANALYZE \"DiaObjectLast\"; ANALYZE \"DiaSource\"",
            connection, transaction))
        {
            await fill.ExecuteNonQueryAsync();
        }

        string body;
        await using (var source = new NpgsqlCommand($"SELECT prosrc FROM pg_proc WHERE proname = '{function}'", connection, transaction))
        {
            body = (string)(await source.ExecuteScalarAsync())!;
        }

        var sql = body.Replace("ra_deg", "150.0", StringComparison.Ordinal).Replace("dec_deg", "2.0", StringComparison.Ordinal)
            .Replace("radius_deg", "0.01", StringComparison.Ordinal).Replace("mjd_start", "59000", StringComparison.Ordinal)
            .Replace("mjd_end", "61000", StringComparison.Ordinal).TrimEnd().TrimEnd(';');
        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN " + sql, connection, transaction))
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains(table, text, StringComparison.Ordinal);
        Assert.Contains("pixelId", text, StringComparison.Ordinal);
        Assert.Contains("Index", text, StringComparison.Ordinal);
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task Light_curve_returns_sources_and_forced_sources_in_time_order()
    {
        var random = new Random(3);
        var objectId = 77_000_001L;
        for (var v = 0; v < 3; v++)
        {
            var dv = new DetectorVisit(500 + v, 2);
            var mjd = VisitMjd + 1 + v;
            DiaSource[] sources = v == 1 ? [] : [RowFactory.Source(random, 88_000_000 + v, dv, 10, 10, mjd, objectId)];
            await _db.Store.StoreAsync(dv, mjd, [], sources, [RowFactory.Forced(random, 99_000_000 + v, objectId, dv, 10, 10, mjd)]);
        }

        await using var command = _db.DataSource.CreateCommand($"SELECT kind, id, \"midpointMjdTai\" FROM light_curve({objectId})");
        var rows = new List<(string Kind, long Id, double Mjd)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
            }
        }

        Assert.Equal(5, rows.Count);
        Assert.Equal(rows.OrderBy(r => r.Mjd).Select(r => r.Mjd), rows.Select(r => r.Mjd));
        Assert.Equal(2, rows.Count(r => r.Kind == "source"));
        Assert.Equal(3, rows.Count(r => r.Kind == "forced"));
    }

    [Theory]
    [InlineData("SELECT * FROM dia_objects_in_cone(10, 95, 1)", "dec_deg = 95")]
    [InlineData("SELECT * FROM dia_objects_in_cone(10, 5, 0)", "radius_deg = 0")]
    [InlineData("SELECT * FROM dia_objects_in_cone(10, 5, 180)", "radius_deg = 180")]
    [InlineData("SELECT * FROM dia_objects_in_cone('NaN', 5, 1)", "ra_deg = NaN")]
    [InlineData("SELECT healpix_nested_hash(30, 1, 1)", "depth = 30")]
    public async Task Bad_arguments_are_errors_that_name_the_value(string sql, string expected)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains(expected, error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cone_search_equals_q3c_radial_query_where_q3c_is_installed()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS q3c", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1")
        {
            Assert.Contains("q3c", ex.MessageText, StringComparison.Ordinal); // not installed here: nothing to compare
            return;
        }

        var random = new Random(1234);
        for (var i = 0; i < 25; i++)
        {
            var ra = 150 + (random.NextDouble() * 2);
            var dec = 2 + (random.NextDouble() * 2);
            var radius = Math.Pow(10, -2.5 + (random.NextDouble() * 2));
            await using var command = new NpgsqlCommand(
                "SELECT (SELECT coalesce(array_agg(\"diaObjectId\" ORDER BY \"diaObjectId\"), '{}') FROM dia_objects_in_cone(@ra, @dec, @r)), " +
                "(SELECT coalesce(array_agg(\"diaObjectId\" ORDER BY \"diaObjectId\"), '{}') FROM \"DiaObjectLast\" WHERE q3c_radial_query(ra, dec, @ra, @dec, @r))",
                connection);
            command.Parameters.AddWithValue("ra", ra);
            command.Parameters.AddWithValue("dec", dec);
            command.Parameters.AddWithValue("r", radius);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((long[])reader.GetValue(1), (long[])reader.GetValue(0));
        }
    }

    private static SkyPosition Offset(SkyPosition from, double distanceDeg, double bearingDeg)
    {
        var d = distanceDeg * Math.PI / 180;
        var b = bearingDeg * Math.PI / 180;
        var dec1 = from.DecDeg * Math.PI / 180;
        var dec2 = Math.Asin((Math.Sin(dec1) * Math.Cos(d)) + (Math.Cos(dec1) * Math.Sin(d) * Math.Cos(b)));
        var dra = Math.Atan2(Math.Sin(b) * Math.Sin(d) * Math.Cos(dec1), Math.Cos(d) - (Math.Sin(dec1) * Math.Sin(dec2)));
        var ra = (from.RaDeg + (dra * 180 / Math.PI)) % 360;
        return SkyPosition.FromDegrees(ra < 0 ? ra + 360 : ra, Math.Clamp(dec2 * 180 / Math.PI, -90, 90));
    }
}
