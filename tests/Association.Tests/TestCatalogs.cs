namespace Apdb.Association.Tests;

/// <summary>Seeded catalog generators shared by the tests.</summary>
internal static class TestCatalogs
{
    public const double Arcsec = 1.0 / 3600.0;

    public static Catalog Objects(params (long Id, double Ra, double Dec)[] rows) =>
        Catalog.Create(rows.Select(r => new CatalogEntry(r.Id, r.Ra, r.Dec)).ToArray(), "object");

    public static Catalog Sources(params (long Id, double Ra, double Dec)[] rows) =>
        Catalog.Create(rows.Select(r => new CatalogEntry(r.Id, r.Ra, r.Dec)).ToArray(), "source");

    /// <summary>A point at a given angular offset (arcsec) and position angle (deg) from (ra, dec).</summary>
    public static (double Ra, double Dec) Offset(double ra, double dec, double arcsec, double paDeg)
    {
        var r = arcsec / 3600.0 * Math.PI / 180.0;
        var pa = paDeg * Math.PI / 180.0;
        var d0 = dec * Math.PI / 180.0;
        var a0 = ra * Math.PI / 180.0;
        var sinD = (Math.Sin(d0) * Math.Cos(r)) + (Math.Cos(d0) * Math.Sin(r) * Math.Cos(pa));
        var d = Math.Asin(Math.Clamp(sinD, -1, 1));
        var a = a0 + Math.Atan2(Math.Sin(pa) * Math.Sin(r) * Math.Cos(d0), Math.Cos(r) - (Math.Sin(d0) * sinD));
        var raDeg = a * 180.0 / Math.PI % 360.0;
        if (raDeg < 0)
        {
            raDeg += 360.0;
        }

        return (raDeg, Math.Clamp(d * 180.0 / Math.PI, -90, 90));
    }

    /// <summary>Objects in a patch, sources = perturbed objects plus new ones, with shuffled, non-monotonic ids.</summary>
    public static (Catalog Objects, Catalog Sources) Field(int seed, int objectCount, double ra0, double dec0, double sizeDeg, double scatterArcsec, double newFraction, bool withErrors = false)
    {
        var rng = new Random(seed);
        var objects = new List<CatalogEntry>();
        for (var i = 0; i < objectCount; i++)
        {
            var (ra, dec) = Offset(ra0, dec0, Math.Sqrt(rng.NextDouble()) * sizeDeg * 3600.0, rng.NextDouble() * 360.0);
            objects.Add(withErrors
                ? new CatalogEntry((i * 7919L) + 11, ra, dec, (0.02 + (0.2 * rng.NextDouble())) * Arcsec, (0.02 + (0.2 * rng.NextDouble())) * Arcsec)
                : new CatalogEntry((i * 7919L) + 11, ra, dec));
        }

        var sources = new List<CatalogEntry>();
        var id = 1_000_000L;
        foreach (var o in objects)
        {
            if (rng.NextDouble() < 0.8)
            {
                var (ra, dec) = Offset(o.RaDeg, o.DecDeg, Math.Abs(Gaussian(rng)) * scatterArcsec, rng.NextDouble() * 360.0);
                sources.Add(Err(new CatalogEntry(id, ra, dec)));
                id += 1 + rng.Next(3);
            }
        }

        var extra = (int)(objectCount * newFraction);
        for (var i = 0; i < extra; i++)
        {
            var (ra, dec) = Offset(ra0, dec0, Math.Sqrt(rng.NextDouble()) * sizeDeg * 3600.0, rng.NextDouble() * 360.0);
            sources.Add(Err(new CatalogEntry(id, ra, dec)));
            id += 1 + rng.Next(3);
        }

        Shuffle(rng, sources);
        return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"));

        CatalogEntry Err(CatalogEntry e) => withErrors
            ? e with { RaErrDeg = (0.02 + (0.2 * rng.NextDouble())) * Arcsec, DecErrDeg = (0.02 + (0.2 * rng.NextDouble())) * Arcsec }
            : e;
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    public static void Shuffle<T>(Random rng, IList<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    public static IReadOnlyList<MatchResult> Run(Catalog objects, Catalog sources, double radiusArcsec, AssociationMode mode, ICandidateFinder? finder = null) =>
        Associator.AssociateAsync(objects, sources, radiusArcsec, mode, finder ?? BruteForceCandidateFinder.Instance).AsTask().GetAwaiter().GetResult().Matches;
}
