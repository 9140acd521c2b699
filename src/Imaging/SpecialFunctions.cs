namespace Apdb.Imaging;

/// <summary>Special functions .NET lacks, to double precision.</summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>The error function erf(x), accurate to ~1e-15.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var a = Math.Abs(x);
        if (a > 6.0)
        {
            return Math.Sign(x);
        }

        double result;
        if (a < 2.5)
        {
            // erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)): positive terms, no cancellation.
            var term = a;
            var sum = a;
            var x2 = a * a;
            for (var n = 1; n < 200; n++)
            {
                term *= 2 * x2 / ((2 * n) + 1);
                sum += term;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            result = TwoOverSqrtPi * Math.Exp(-x2) * sum;
        }
        else
        {
            result = 1.0 - Erfc(a);
        }

        return x < 0 ? -result : result;
    }

    /// <summary>The complementary error function for x &gt;= 2.5, by its continued fraction (modified Lentz).</summary>
    private static double Erfc(double x)
    {
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        const double Tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var n = 1; n < 300; n++)
        {
            var an = n * 0.5;
            d = x + (an * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + (an / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>The Lanczos kernel of order <paramref name="a"/>: sinc(x) sinc(x / a) for |x| &lt; a, else 0.</summary>
    public static double Lanczos(double x, int a)
    {
        if (x == 0)
        {
            return 1.0;
        }

        if (Math.Abs(x) >= a)
        {
            return 0.0;
        }

        var px = Math.PI * x;
        return a * Math.Sin(px) * Math.Sin(px / a) / (px * px);
    }

    /// <summary>
    /// Lanczos-3 weights to interpolate at fractional offset <paramref name="t"/> in [0, 1) from samples at
    /// -2..3 (index k holds the weight of sample k - 2), normalized to sum 1 so flux is kept.
    /// </summary>
    public static void Lanczos3Weights(double t, Span<double> weights)
    {
        if (weights.Length != 6)
        {
            throw new ArgumentException("Lanczos-3 needs 6 weights", nameof(weights));
        }

        var sum = 0.0;
        for (var k = 0; k < 6; k++)
        {
            weights[k] = Lanczos(t - (k - 2), 3);
            sum += weights[k];
        }

        for (var k = 0; k < 6; k++)
        {
            weights[k] /= sum;
        }
    }
}
