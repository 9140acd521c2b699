namespace Apdb.Sky.Tests;

public sealed class HealpixHashOracleTests
{
    private const int PointsPerDepth = 100_000;

    [OracleFact]
    public void Hash_matches_healpy_ang2pix_at_every_depth_for_random_special_and_pixel_edge_points()
    {
        // Reference: healpy 1.16.1 (Debian python3-healpy, healpix_cxx 3.80) ang2pix(2**d, ra, dec, nest=True, lonlat=True).
        var random = new Random(20240601);
        var (specialRa, specialDec) = SpecialPoints.All();
        var perDepth = PointsPerDepth + specialRa.Length;
        var ra = new double[perDepth * 30];
        var dec = new double[perDepth * 30];
        var depth = new long[perDepth * 30];
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var (r, de) = RandomSky.Uniform(random, PointsPerDepth);
            r.CopyTo(ra, d * perDepth);
            de.CopyTo(dec, d * perDepth);
            specialRa.CopyTo(ra, d * perDepth + PointsPerDepth);
            specialDec.CopyTo(dec, d * perDepth + PointsPerDepth);
            depth.AsSpan(d * perDepth, perDepth).Fill(d);
        }

        var result = Oracle.Run(
            """
            ra, dec, depth = inp('ra'), inp('dec'), inp('depth', '<i8')
            out('ids', hp.ang2pix(2 ** depth, ra, dec, nest=True, lonlat=True))
            # Points on pixel edges and corners: healpy.boundaries of random pixels at every depth.
            rng = np.random.default_rng(11)
            era, edec, edepth = [], [], []
            for d in range(30):
                nside = 2 ** d
                pix = rng.integers(0, 12 * nside * nside, 1500)
                b = hp.boundaries(nside, pix, step=3, nest=True)          # (n, 3, 12)
                x, y, z = b[:, 0, :].ravel(), b[:, 1, :].ravel(), b[:, 2, :].ravel()
                lon, lat = hp.vec2ang(np.stack([x, y, z], axis=1), lonlat=True)
                era.append(lon); edec.append(np.clip(lat, -90, 90)); edepth.append(np.full(lon.size, d))
            era, edec, edepth = np.concatenate(era), np.concatenate(edec), np.concatenate(edepth)
            out('edge_ra', era, '<f8'); out('edge_dec', edec, '<f8'); out('edge_depth', edepth)
            out('edge_ids', hp.ang2pix(2 ** edepth, era, edec, nest=True, lonlat=True))
            """,
            ("ra", ra),
            ("dec", dec),
            ("depth", depth));

        var expected = result.Longs("ids");
        var mismatches = new List<string>();
        var batch = new long[perDepth];
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var slice = new Range(d * perDepth, (d + 1) * perDepth);
            HealpixNested.Hash(d, ra.AsSpan(slice), dec.AsSpan(slice), batch);
            for (var k = 0; k < perDepth; k++)
            {
                var i = d * perDepth + k;
                var scalar = HealpixNested.Hash(d, ra[i], dec[i]);
                if (batch[k] != expected[i] || scalar != expected[i])
                {
                    mismatches.Add($"depth {d} ra {ra[i]:R} dec {dec[i]:R}: healpy {expected[i]}, batch {batch[k]}, scalar {scalar}");
                }
            }
        }

        var edgeRa = result.Doubles("edge_ra");
        var edgeDec = result.Doubles("edge_dec");
        var edgeDepth = result.Longs("edge_depth");
        var edgeIds = result.Longs("edge_ids");
        Assert.True(edgeRa.Length >= 30 * 1500 * 12);
        var one = new long[1];
        for (var i = 0; i < edgeRa.Length; i++)
        {
            var d = (int)edgeDepth[i];
            var scalar = HealpixNested.Hash(d, edgeRa[i], edgeDec[i]);
            HealpixNested.Hash(d, edgeRa.AsSpan(i, 1), edgeDec.AsSpan(i, 1), one);
            if (scalar != edgeIds[i])
            {
                mismatches.Add($"edge point depth {d} ra {edgeRa[i]:R} dec {edgeDec[i]:R}: healpy {edgeIds[i]}, ours {scalar}");
            }
        }

        // Edge points through the vector batch path: blocks of four at every depth.
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var idx = Enumerable.Range(0, edgeRa.Length).Where(i => edgeDepth[i] == d).ToArray();
            var r = idx.Select(i => edgeRa[i]).ToArray();
            var de = idx.Select(i => edgeDec[i]).ToArray();
            var ids = new long[idx.Length];
            HealpixNested.Hash(d, r, de, ids);
            for (var k = 0; k < idx.Length; k++)
            {
                if (ids[k] != edgeIds[idx[k]])
                {
                    mismatches.Add($"edge point (batch) depth {d} ra {r[k]:R} dec {de[k]:R}: healpy {edgeIds[idx[k]]}, ours {ids[k]}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches, first: {string.Join("\n", mismatches.Take(20))}");
    }

    [OracleFact]
    public void Hash_of_a_unit_vector_matches_healpy_vec2pix()
    {
        // Reference: healpy 1.16.1 vec2pix(2**d, x, y, z, nest=True).
        var random = new Random(5);
        const int count = 20_000;
        var x = new double[count * 30];
        var y = new double[count * 30];
        var z = new double[count * 30];
        var depth = new long[count * 30];
        for (var i = 0; i < x.Length; i++)
        {
            var v = RandomSky.Position(random).ToUnitVector();
            // Some unnormalised and some exactly polar or equatorial vectors.
            var scale = (i % 7) switch { 0 => 3.5, 1 => 1e-3, _ => 1.0 };
            (x[i], y[i], z[i]) = (i % 97) switch
            {
                0 => (0.0, 0.0, 1.0),
                1 => (0.0, 0.0, -2.0),
                2 => (1.0, 0.0, 0.0),
                3 => (1.0, 1.0, 0.0),
                _ => (v.X * scale, v.Y * scale, v.Z * scale),
            };
            depth[i] = i / count;
        }

        var expected = Oracle.Run(
            "out('ids', hp.vec2pix(2 ** inp('depth', '<i8'), inp('x'), inp('y'), inp('z'), nest=True))",
            ("x", x),
            ("y", y),
            ("z", z),
            ("depth", depth)).Longs("ids");

        var mismatches = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (HealpixNested.Hash((int)depth[i], new UnitVector(x[i], y[i], z[i])) != expected[i])
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }
}
