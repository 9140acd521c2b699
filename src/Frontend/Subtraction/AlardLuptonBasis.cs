namespace Apdb.Frontend.Subtraction;

/// <summary>
/// The Alard-Lupton basis: the delta function, and Gaussians of sigma 0.7, 1.5 and 3.0 pixels times polynomials x^i y^j
/// of total degree up to 4, 2 and 2 (1 + 15 + 6 + 6 = 28 kernels). The delta function lets the kernel be the identity
/// plus a small correction, which is what near-equal PSFs need: without it the narrowest kernel is the 0.7-pixel
/// Gaussian, and a matching kernel of sigma 0.4 px (demo z band: 0.62" science, 0.65" template) was fitted as a
/// ringing combination that left +/-1% rings around bright stars. Each kernel is separable, f_i(x) f_j(y) with f_i(t) = exp(-t^2 / 2 s^2) t^i,
/// each 1-D factor normalized to unit L2 norm so the normal equations are well scaled.
/// </summary>
public sealed class AlardLuptonBasis
{
    /// <summary>The default basis.</summary>
    public static AlardLuptonBasis Default { get; } = new([0, 0.7, 1.5, 3.0], [0, 4, 2, 2]);

    /// <summary>Creates a basis.</summary>
    public AlardLuptonBasis(IReadOnlyList<double> sigmas, IReadOnlyList<int> degrees)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        ArgumentNullException.ThrowIfNull(degrees);
        if (sigmas.Count != degrees.Count || sigmas.Count == 0)
        {
            throw new ArgumentException("one polynomial degree per Gaussian is needed");
        }

        var groups = new List<Group>();
        var kernels = new List<(int Group, int I, int J)>();
        for (var g = 0; g < sigmas.Count; g++)
        {
            var sigma = sigmas[g];
            var degree = degrees[g];
            // Sigma 0 is the delta function (the identity kernel, one tap).
            var hw = sigma > 0 ? (int)Math.Ceiling((4 * sigma) + (0.5 * degree)) : 0;
            var profiles = new float[degree + 1][];
            for (var i = 0; i <= degree; i++)
            {
                var f = new double[(2 * hw) + 1];
                double norm = 0;
                for (var t = -hw; t <= hw; t++)
                {
                    f[t + hw] = sigma > 0 ? Math.Exp(-0.5 * t * t / (sigma * sigma)) * Math.Pow(t, i) : 1.0;
                    norm += f[t + hw] * f[t + hw];
                }

                profiles[i] = [.. f.Select(v => (float)(v / Math.Sqrt(norm)))];
            }

            groups.Add(new Group(sigma, degree, hw, profiles));
            for (var i = 0; i <= degree; i++)
            {
                for (var j = 0; i + j <= degree; j++)
                {
                    kernels.Add((g, i, j));
                }
            }
        }

        Groups = groups;
        Kernels = kernels;
        HalfWidth = groups.Max(g => g.HalfWidth);
    }

    /// <summary>The sigma of the narrowest Gaussian (the delta function left out), pixels.</summary>
    public double NarrowestSigma => Groups.Where(g => g.Sigma > 0).Min(g => g.Sigma);

    /// <summary>The Gaussian groups (sigma 0: the delta function).</summary>
    public IReadOnlyList<Group> Groups { get; }

    /// <summary>The kernels, as (group, x power, y power).</summary>
    public IReadOnlyList<(int Group, int I, int J)> Kernels { get; }

    /// <summary>The largest kernel half-width, pixels.</summary>
    public int HalfWidth { get; }

    /// <summary>The sum of a kernel's values.</summary>
    public double Sum(int kernel)
    {
        var (g, i, j) = Kernels[kernel];
        return Groups[g].Profiles[i].Sum(v => (double)v) * Groups[g].Profiles[j].Sum(v => (double)v);
    }

    /// <summary>One Gaussian and its 1-D profiles.</summary>
    /// <param name="Sigma">Gaussian sigma, pixels.</param>
    /// <param name="Degree">Polynomial degree.</param>
    /// <param name="HalfWidth">Half-width of the profiles.</param>
    /// <param name="Profiles">Profiles f_0..f_degree, (2 HalfWidth + 1) values each.</param>
    public sealed record Group(double Sigma, int Degree, int HalfWidth, float[][] Profiles);
}
