namespace Apdb.Sky.Tests;

/// <summary>
/// Positions where HEALPix hashing is most fragile: poles, the RA wrap, the polar-cap boundary z = +-2/3,
/// the |z| = 0.99 switch of healpix_cxx, base-pixel edges (RA multiples of 45 degrees, dec 0), and ulp-sized
/// offsets around all of them; also RAs outside [0, 360) that healpy normalises.
/// </summary>
internal static class SpecialPoints
{
    public static (double[] Ra, double[] Dec) All()
    {
        var ras = new List<double> { 0.0, 360.0 - 1e-13, Math.BitDecrement(360.0), 1e-300, 5e-324, 1e-15, 359.99999999 };
        for (var k = 0; k <= 8; k++)
        {
            var baseRa = 45.0 * k;
            ras.Add(baseRa);
            foreach (var offset in new[] { 1e-12, 1e-9, 1e-6 })
            {
                ras.Add(baseRa + offset);
                ras.Add(baseRa - offset);
            }

            ras.Add(Math.BitIncrement(baseRa));
            ras.Add(Math.BitDecrement(baseRa));
        }

        ras.AddRange([22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5, 11.25, 33.75]);

        var capDec = Math.Asin(2.0 / 3.0) * (180.0 / Math.PI);
        var z99Dec = Math.Asin(0.99) * (180.0 / Math.PI);
        var theta001Dec = 90.0 - 0.01 * (180.0 / Math.PI);
        var decs = new List<double> { 90.0, -90.0, 0.0, -0.0, Math.BitIncrement(-90.0), Math.BitDecrement(90.0), 89.9999999999, -89.9999999999, 1e-300 };
        foreach (var d in new[] { capDec, -capDec, z99Dec, -z99Dec, theta001Dec, -theta001Dec, 0.0, 41.8103149, 19.47122063449069, -19.47122063449069 })
        {
            decs.Add(d);
            var up = d;
            var down = d;
            for (var ulp = 0; ulp < 4; ulp++)
            {
                up = Math.BitIncrement(up);
                down = Math.BitDecrement(down);
                decs.Add(up);
                decs.Add(down);
            }

            foreach (var offset in new[] { 1e-13, 1e-10, 1e-7 })
            {
                decs.Add(d + offset);
                decs.Add(d - offset);
            }
        }

        var ra = new List<double>();
        var dec = new List<double>();
        foreach (var r in ras)
        {
            foreach (var d in decs)
            {
                if (Math.Abs(d) <= 90.0)
                {
                    ra.Add(r);
                    dec.Add(d);
                }
            }
        }

        // RAs outside [0, 360): healpy accepts them and wraps phi with healpix_cxx's fmodulo.
        var random = new Random(7);
        foreach (var r in new[] { -1e-20, -1e-13, -45.0, -90.00000000001, -359.9999999, -360.0, -1000.3, 360.0, 360.0000001, 720.0, 1e6 + 0.123, 123456.789 })
        {
            ra.Add(r);
            dec.Add(0.0);
            ra.Add(r);
            dec.Add(capDec);
            ra.Add(r);
            dec.Add(random.NextDouble() * 180.0 - 90.0);
        }

        for (var i = 0; i < 2000; i++)
        {
            ra.Add((random.NextDouble() - 0.5) * 4000.0);
            dec.Add(random.NextDouble() * 180.0 - 90.0);
        }

        return (ra.ToArray(), dec.ToArray());
    }
}
