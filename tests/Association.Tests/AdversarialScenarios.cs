namespace Apdb.Association.Tests;

/// <summary>Inputs where a spatial index is most likely to go wrong.</summary>
internal static class AdversarialScenarios
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "wrap", "north-pole", "south-pole", "close-doubles", "duplicates", "many-sources-on-one-object",
        "many-objects-around-one-source", "at-the-radius", "base-pixel-corners", "large-radius", "huge-radius",
        "whole-sky", "empty-objects", "empty-sources", "with-errors",
    ];

    public static (Catalog Objects, Catalog Sources, double RadiusArcsec) Build(string name)
    {
        var rng = new Random(name.Length * 7919);
        switch (name)
        {
            case "wrap":
            {
                var (o, s) = TestCatalogs.Field(1, 400, 0.0005, 12, 30.0 / 3600, 0.5, 0.5);
                return (o, s, 1.0);
            }

            case "north-pole":
            case "south-pole":
            {
                var sign = name == "north-pole" ? 1 : -1;
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();

                // Exactly at the pole with different RAs (same position, distinct ids), and within arcsec of it.
                for (var i = 0; i < 6; i++)
                {
                    objects.Add(new CatalogEntry(i + 1, i * 60.0, sign * 90.0));
                    sources.Add(new CatalogEntry(1000 + i, 359.9 - (i * 37.0), sign * 90.0));
                }

                for (var i = 0; i < 300; i++)
                {
                    var p = TestCatalogs.Offset(rng.NextDouble() * 360, sign * 90.0, rng.NextDouble() * 5.0, rng.NextDouble() * 360);
                    objects.Add(new CatalogEntry(100 + i, p.Ra, p.Dec));
                    var q = TestCatalogs.Offset(p.Ra, p.Dec, rng.NextDouble() * 1.5, rng.NextDouble() * 360);
                    sources.Add(new CatalogEntry(2000 + i, q.Ra, q.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "close-doubles":
            {
                // Objects in pairs 1e-4 arcsec apart, sources near each pair: distances differ in the last digits.
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();
                for (var i = 0; i < 200; i++)
                {
                    var c = TestCatalogs.Offset(210, -30, rng.NextDouble() * 60, rng.NextDouble() * 360);
                    var twin = TestCatalogs.Offset(c.Ra, c.Dec, 1e-4, rng.NextDouble() * 360);
                    objects.Add(new CatalogEntry((2 * i) + 1, c.Ra, c.Dec));
                    objects.Add(new CatalogEntry((2 * i) + 2, twin.Ra, twin.Dec));
                    var s1 = TestCatalogs.Offset(c.Ra, c.Dec, rng.NextDouble() * 0.8, rng.NextDouble() * 360);
                    var s2 = TestCatalogs.Offset(s1.Ra, s1.Dec, 1e-4, rng.NextDouble() * 360);
                    sources.Add(new CatalogEntry(10_000 + (2 * i), s1.Ra, s1.Dec));
                    sources.Add(new CatalogEntry(10_001 + (2 * i), s2.Ra, s2.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "duplicates":
            {
                // Exact duplicate positions with distinct ids on both sides: only ids can break the ties.
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();
                for (var i = 0; i < 50; i++)
                {
                    var c = TestCatalogs.Offset(100, 40, rng.NextDouble() * 30, rng.NextDouble() * 360);
                    var s = TestCatalogs.Offset(c.Ra, c.Dec, 0.4, 90);
                    for (var k = 0; k < 3; k++)
                    {
                        objects.Add(new CatalogEntry((i * 10) + (3 - k), c.Ra, c.Dec));
                        sources.Add(new CatalogEntry(5000 + (i * 10) + ((k * 7) % 4), s.Ra, s.Dec));
                    }

                    sources.Add(new CatalogEntry(5000 + (i * 10) + 9, s.Ra, s.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "many-sources-on-one-object":
            {
                var objects = new List<CatalogEntry> { new(1, 300, -60) };
                var sources = new List<CatalogEntry>();
                for (var i = 0; i < 500; i++)
                {
                    var p = TestCatalogs.Offset(300, -60, rng.NextDouble() * 1.2, rng.NextDouble() * 360);
                    sources.Add(new CatalogEntry(100 + i, p.Ra, p.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "many-objects-around-one-source":
            {
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry> { new(1, 45, 0) };
                for (var i = 0; i < 500; i++)
                {
                    var p = TestCatalogs.Offset(45, 0, rng.NextDouble() * 1.2, rng.NextDouble() * 360);
                    objects.Add(new CatalogEntry(100 + i, p.Ra, p.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "at-the-radius":
            {
                // Sources placed at exactly the radius (up to rounding), some just inside and just outside.
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();
                for (var i = 0; i < 300; i++)
                {
                    var c = TestCatalogs.Offset(150, 2, rng.NextDouble() * 120, rng.NextDouble() * 360);
                    objects.Add(new CatalogEntry(i + 1, c.Ra, c.Dec));
                    var d = 1.0 + ((i % 3) - 1) * 1e-12;
                    var s = TestCatalogs.Offset(c.Ra, c.Dec, d, rng.NextDouble() * 360);
                    sources.Add(new CatalogEntry(1000 + i, s.Ra, s.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "base-pixel-corners":
            {
                // Clusters at the vertices where three base pixels meet (z = +-2/3, phi = k pi/2) and at the
                // equatorial vertices (dec 0, ra = 45 + 90k): pixels there have only seven neighbours.
                var corners = new List<(double Ra, double Dec)>();
                var capDec = Math.Asin(2.0 / 3.0) * 180 / Math.PI;
                for (var k = 0; k < 4; k++)
                {
                    corners.Add((k * 90.0, capDec));
                    corners.Add((k * 90.0, -capDec));
                    corners.Add((45.0 + (k * 90.0), 0.0));
                }

                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();
                var id = 1;
                foreach (var (ra, dec) in corners)
                {
                    for (var i = 0; i < 60; i++)
                    {
                        var p = TestCatalogs.Offset(ra, dec, rng.NextDouble() * 3.0, rng.NextDouble() * 360);
                        objects.Add(new CatalogEntry(id, p.Ra, p.Dec));
                        var q = TestCatalogs.Offset(p.Ra, p.Dec, rng.NextDouble() * 1.0, rng.NextDouble() * 360);
                        sources.Add(new CatalogEntry(100_000 + id, q.Ra, q.Dec));
                        id++;
                    }
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 1.0);
            }

            case "large-radius":
            {
                var (o, s) = TestCatalogs.Field(2, 300, 359.5, 60, 1.0, 600, 0.5);
                return (o, s, 1800.0);
            }

            case "huge-radius":
            {
                // Beyond the depth-0 neighbour bound: the finder must fall back to every object.
                var (o, s) = TestCatalogs.Field(3, 60, 10, 10, 80, 100_000, 0.5);
                return (o, s, 170_000.0);
            }

            case "whole-sky":
            {
                var objects = new List<CatalogEntry>();
                var sources = new List<CatalogEntry>();
                for (var i = 0; i < 3000; i++)
                {
                    var ra = rng.NextDouble() * 360;
                    var dec = Math.Asin((2 * rng.NextDouble()) - 1) * 180 / Math.PI;
                    objects.Add(new CatalogEntry(i, ra, dec));
                    var q = TestCatalogs.Offset(ra, dec, rng.NextDouble() * 4 * 3600, rng.NextDouble() * 360);
                    sources.Add(new CatalogEntry(i + 10_000, q.Ra, q.Dec));
                }

                return (Catalog.Create(objects.ToArray(), "object"), Catalog.Create(sources.ToArray(), "source"), 3.0 * 3600);
            }

            case "empty-objects":
            {
                var (_, s) = TestCatalogs.Field(4, 50, 20, 20, 0.01, 0.5, 0.5);
                return (Catalog.Empty("object"), s, 1.0);
            }

            case "empty-sources":
            {
                var (o, _) = TestCatalogs.Field(5, 50, 20, 20, 0.01, 0.5, 0.5);
                return (o, Catalog.Empty("source"), 1.0);
            }

            case "with-errors":
            {
                var (o, s) = TestCatalogs.Field(6, 500, 120, -70, 0.01, 0.6, 0.3, withErrors: true);
                return (o, s, 1.5);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }
}
