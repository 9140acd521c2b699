namespace Apdb.Imaging;

/// <summary>
/// One SIP polynomial (Shupe et al. 2005): f(u, v) = sum over p + q &lt;= order of c[p, q] u^p v^q, with u, v pixel
/// offsets from CRPIX. The forward pair A/B maps pixel offsets to distortion-corrected offsets; the optional AP/BP pair
/// approximates the inverse.
/// </summary>
public sealed class SipPolynomial
{
    private readonly double[,] _c;

    /// <summary>Wraps coefficients c[p, q] for p + q &lt;= order (others must be zero).</summary>
    public SipPolynomial(int order, double[,] coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (order is < 0 or > 9 || coefficients.GetLength(0) != order + 1 || coefficients.GetLength(1) != order + 1)
        {
            throw new ArgumentException($"SIP order {order} needs a {order + 1}x{order + 1} coefficient array", nameof(coefficients));
        }

        Order = order;
        _c = (double[,])coefficients.Clone();
    }

    /// <summary>The polynomial order.</summary>
    public int Order { get; }

    /// <summary>Coefficient of u^p v^q.</summary>
    public double this[int p, int q] => _c[p, q];

    /// <summary>Evaluates the polynomial and its partial derivatives at (u, v).</summary>
    public double Evaluate(double u, double v, out double dU, out double dV)
    {
        double f = 0, fu = 0, fv = 0;
        var up = 1.0;
        for (var p = 0; p <= Order; p++)
        {
            var vq = 1.0;
            for (var q = 0; p + q <= Order; q++)
            {
                var c = _c[p, q];
                if (c != 0)
                {
                    f += c * up * vq;
                    if (p > 0) fu += c * p * Math.Pow(u, p - 1) * vq;
                    if (q > 0) fv += c * q * up * Math.Pow(v, q - 1);
                }

                vq *= v;
            }

            up *= u;
        }

        dU = fu;
        dV = fv;
        return f;
    }

    /// <summary>Evaluates the polynomial at (u, v).</summary>
    public double Evaluate(double u, double v) => Evaluate(u, v, out _, out _);

    internal static SipPolynomial? Read(FitsHeader header, string prefix)
    {
        var order = header.GetLong(prefix + "_ORDER");
        if (order is null)
        {
            return null;
        }

        var n = (int)order.Value;
        if (n is < 0 or > 9)
        {
            throw new ArgumentException($"{prefix}_ORDER = {n} is outside 0-9");
        }

        var c = new double[n + 1, n + 1];
        for (var p = 0; p <= n; p++)
        {
            for (var q = 0; p + q <= n; q++)
            {
                c[p, q] = header.GetDouble($"{prefix}_{p}_{q}") ?? 0.0;
            }
        }

        return new SipPolynomial(n, c);
    }

    internal void Write(FitsHeader header, string prefix)
    {
        header.Set(prefix + "_ORDER", (long)Order, "SIP polynomial order");
        for (var p = 0; p <= Order; p++)
        {
            for (var q = 0; p + q <= Order; q++)
            {
                if (_c[p, q] != 0)
                {
                    header.Set($"{prefix}_{p}_{q}", _c[p, q]);
                }
            }
        }
    }
}
