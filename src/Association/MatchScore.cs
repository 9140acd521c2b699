using System.Diagnostics.Contracts;

namespace Apdb.Association;

/// <summary>
/// The score the <see cref="AssociationMode.Optimal"/> mode minimises, and its "no match" cost.
/// Without errors on both sides: the chord. With errors: the Gaussian negative log-likelihood
/// <c>0.5 chi^2 + 0.5 ln(var_ra var_dec)</c> with variances in arcsec^2 combined from both sides; each side's sigma per
/// axis is its error (0.2" when unknown) floored at 0.05". Offsets are the source's components along the object's
/// local east and north unit vectors, which stay well defined at the poles.
/// </summary>
public static class MatchScore
{
    /// <summary>Per-axis sigma floor, arcsec.</summary>
    public const double SigmaFloorArcsec = 0.05;

    /// <summary>Per-axis sigma used when an error is unknown, arcsec.</summary>
    public const double FallbackSigmaArcsec = 0.2;

    /// <summary>Fraction of the gap to the largest score that the no-match cost sits above a source's worst score.</summary>
    public const double NoMatchGapFraction = 1e-3;

    /// <summary>Relative floor of the no-match margin, so it stays above the worst score when the gap is zero.</summary>
    public const double NoMatchRelativeFloor = 1e-12;

    /// <summary>
    /// The no-match cost of a source: <c>worst + 1e-3 (maxScore - worst) + 1e-12 (1 + |worst|)</c>, just above its worst
    /// candidate score, so matching is always preferred to leaving a source alone, while the global optimum decides who
    /// gets what. The gap term makes a source with better candidates gain more from matching; without it a thousand
    /// sources whose only candidate is one object would tie, and rounding would pick the winner. With it the best-scoring
    /// source wins.
    /// </summary>
    /// <param name="worstScore">The largest score among the source's candidates.</param>
    /// <param name="maxScore">The largest score among all candidate pairs of the association.</param>
    /// <returns>The cost of leaving the source unmatched.</returns>
    [Pure]
    public static double NoMatchCost(double worstScore, double maxScore) =>
        worstScore + (NoMatchGapFraction * (maxScore - worstScore)) + (NoMatchRelativeFloor * (1.0 + Math.Abs(worstScore)));

    /// <summary>The chord score used without errors.</summary>
    /// <param name="chordSquared">The squared chord of the pair.</param>
    /// <returns>The chord.</returns>
    [Pure]
    public static double ChordScore(double chordSquared) => Math.Sqrt(chordSquared);

    /// <summary>The Gaussian score of one object/source pair.</summary>
    /// <param name="objects">The object catalog (with errors).</param>
    /// <param name="objectIndex">The object row.</param>
    /// <param name="sources">The source catalog (with errors).</param>
    /// <param name="sourceIndex">The source row.</param>
    /// <returns><c>0.5 chi^2 + 0.5 ln(var_ra var_dec)</c>, variances in arcsec^2.</returns>
    [Pure]
    public static double GaussianScore(Catalog objects, int objectIndex, Catalog sources, int sourceIndex)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        var (sinRa, cosRa) = Math.SinCos(objects.RaDeg[objectIndex] * (Math.PI / 180.0));
        var (sinDec, cosDec) = Math.SinCos(objects.DecDeg[objectIndex] * (Math.PI / 180.0));
        var sx = sources.X[sourceIndex];
        var sy = sources.Y[sourceIndex];
        var sz = sources.Z[sourceIndex];
        var east = ((-sinRa * sx) + (cosRa * sy)) * ChordMetric.ArcsecPerRadian;
        var north = ((-sinDec * cosRa * sx) + (-sinDec * sinRa * sy) + (cosDec * sz)) * ChordMetric.ArcsecPerRadian;
        var varRa = Variance(objects.RaErrDeg, objectIndex) + Variance(sources.RaErrDeg, sourceIndex);
        var varDec = Variance(objects.DecErrDeg, objectIndex) + Variance(sources.DecErrDeg, sourceIndex);
        var chi2 = (east * east / varRa) + (north * north / varDec);
        return (0.5 * chi2) + (0.5 * Math.Log(varRa * varDec));
    }

    private static double Variance(ReadOnlySpan<double> errorsDeg, int index)
    {
        var sigma = double.IsNaN(errorsDeg[index]) ? FallbackSigmaArcsec : Math.Max(errorsDeg[index] * 3600.0, SigmaFloorArcsec);
        return sigma * sigma;
    }
}
