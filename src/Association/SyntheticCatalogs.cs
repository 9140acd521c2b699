namespace Apdb.Association;

/// <summary>
/// Seeded catalog pairs for scaling benchmarks: objects uniform in a disc at a fixed density of 1e5 per deg^2 (10 deg^2
/// at N = 1e6, about a year of DiaObjects in a crowded Rubin field); sources = every object perturbed by 0.1" (Gaussian
/// per axis) plus 30% new positions, shuffled. The generator of benchmarks/AssociationHarness.
/// </summary>
public static class SyntheticCatalogs
{
    /// <summary>Objects per square degree.</summary>
    public const double DensityPerDeg2 = 1e5;

    /// <summary>The seed the association benchmarks use for a size: 42 + log10(n), as in the harness.</summary>
    /// <param name="n">The object count.</param>
    /// <returns>The seed.</returns>
    public static int SeedForSize(long n) => 42 + (int)Math.Log10(Math.Max(1, n));

    /// <summary>Generates n objects and 1.3 n sources around (150, 2) degrees.</summary>
    /// <param name="n">The object count, &gt;= 0.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The catalogs (objects ids 1..n; source ids 10^10 + i for perturbed objects, 2*10^10 + i for new ones).</returns>
    public static (Catalog Objects, Catalog Sources) Generate(int n, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        const double ra0 = 150.0;
        const double dec0 = 2.0;
        var rng = new Random(seed);
        var radiusDeg = Math.Sqrt(n / DensityPerDeg2 / Math.PI);
        var objects = new CatalogEntry[n];
        for (var i = 0; i < n; i++)
        {
            var (ra, dec) = InDisc(rng, ra0, dec0, radiusDeg);
            objects[i] = new CatalogEntry(i + 1, ra, dec);
        }

        var extra = (int)(0.3 * n);
        var sources = new CatalogEntry[n + extra];
        for (var i = 0; i < n; i++)
        {
            var o = objects[i];
            var dDec = Gaussian(rng) * 0.1 / 3600.0;
            var dRa = Gaussian(rng) * 0.1 / 3600.0 / Math.Cos(o.DecDeg * Math.PI / 180.0);
            sources[i] = new CatalogEntry(10_000_000_000L + i, Wrap(o.RaDeg + dRa), o.DecDeg + dDec);
        }

        for (var i = 0; i < extra; i++)
        {
            var (ra, dec) = InDisc(rng, ra0, dec0, radiusDeg);
            sources[n + i] = new CatalogEntry(20_000_000_000L + i, ra, dec);
        }

        for (var i = sources.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (sources[i], sources[j]) = (sources[j], sources[i]);
        }

        return (Catalog.Create(objects, "object"), Catalog.Create(sources, "source"));
    }

    private static (double Ra, double Dec) InDisc(Random rng, double ra0, double dec0, double radiusDeg)
    {
        var r = radiusDeg * Math.Sqrt(rng.NextDouble());
        var t = 2 * Math.PI * rng.NextDouble();
        var dec = dec0 + (r * Math.Sin(t));
        return (Wrap(ra0 + (r * Math.Cos(t) / Math.Cos(dec * Math.PI / 180.0))), dec);
    }

    private static double Wrap(double ra) => ra < 0 ? ra + 360 : ra >= 360 ? ra - 360 : ra;

    private static double Gaussian(Random rng) => Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
}
