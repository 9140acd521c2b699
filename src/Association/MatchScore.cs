using System.Diagnostics.Contracts;
using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// The score the <see cref="AssociationMode.Optimal"/> mode minimises and its one "no match" cost, as ap_association's
/// matcher defines them (2026).
/// </summary>
/// <remarks>
/// <para>
/// Without usable errors the score is the chord between the unit vectors (radians for small angles), and leaving a
/// source unmatched costs <c>1.01 x radius</c> (radians), above every pair the radius admits.
/// </para>
/// <para>
/// When both catalogs carry usable errors (<see cref="UsesLikelihood"/>), the score is the Gaussian negative
/// log-likelihood <c>0.5 (dRA^2/varRA + dDec^2/varDec) + 0.5 ln(varRA varDec)</c> (arcsec, arcsec^2). Each per-axis
/// variance is the sum of the two catalogs' squared errors, an error that is not finite and &gt; 0 counting as 0.2",
/// and the sum is floored at (0.05")^2. Leaving a source unmatched costs the largest score of the association plus 1.
/// </para>
/// <para>
/// One deliberate difference from ap_association: the APDB schema defines raErr as an angular error (dRA cos dec), so
/// dRA is taken as an angle too: the source's offset along the object's local east unit vector (dDec along north),
/// which is dRA cos(dec) to first order and stays well defined at the poles. ap_association divides the raw RA
/// difference by that angular error, which inflates the RA term by 1/cos^2(dec) away from the equator.
/// </para>
/// <para>
/// With one global no-match cost above every candidate, a source is left unmatched essentially only when its
/// connected component of the candidate graph has more sources than objects.
/// </para>
/// </remarks>
public static class MatchScore
{
    /// <summary>Floor of each summed per-axis sigma, arcsec (ap_association's <c>sigmaFloorArcSeconds</c>).</summary>
    public const double SigmaFloorArcsec = 0.05;

    /// <summary>Per-axis sigma used for an error that is not finite and &gt; 0, arcsec (<c>fallbackSigmaArcSeconds</c>).</summary>
    public const double FallbackSigmaArcsec = 0.2;

    /// <summary>Chord mode: the no-match cost is this multiple of the radius.</summary>
    public const double ChordNoMatchFactor = 1.01;

    /// <summary>Likelihood mode: the no-match cost is the largest score plus this.</summary>
    public const double LikelihoodNoMatchMargin = 1.0;

    /// <summary>
    /// Whether the likelihood score applies: both catalogs carry errors with at least one finite, positive raErr and
    /// one finite, positive decErr each (as ap_association decides per catalog).
    /// </summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <returns>True for the likelihood score, false for the chord.</returns>
    [Pure]
    public static bool UsesLikelihood(Catalog objects, Catalog sources)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        return HasUsableErrors(objects) && HasUsableErrors(sources);
    }

    /// <summary>The one cost of leaving any source unmatched.</summary>
    /// <param name="likelihood">Whether the scores are likelihoods (<see cref="UsesLikelihood"/>).</param>
    /// <param name="maxScore">The largest score among all candidate pairs of the association (likelihood mode).</param>
    /// <param name="radiusArcsec">The match radius (chord mode).</param>
    /// <returns><c>maxScore + 1</c> or <c>1.01 radius</c> in radians.</returns>
    [Pure]
    public static double NoMatchCost(bool likelihood, double maxScore, double radiusArcsec) =>
        likelihood ? maxScore + LikelihoodNoMatchMargin : ChordNoMatchFactor * radiusArcsec * AstroConstants.RadiansPerArcsecond;

    /// <summary>The chord score used without errors.</summary>
    /// <param name="chordSquared">The squared chord of the pair.</param>
    /// <returns>The chord.</returns>
    [Pure]
    public static double ChordScore(double chordSquared) => Math.Sqrt(chordSquared);

    /// <summary>The Gaussian negative log-likelihood of one object/source pair.</summary>
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
        var east = ((-sinRa * sx) + (cosRa * sy)) * AstroConstants.ArcsecondsPerRadian;
        var north = ((-sinDec * cosRa * sx) + (-sinDec * sinRa * sy) + (cosDec * sz)) * AstroConstants.ArcsecondsPerRadian;
        var varRa = SummedVariance(Error(objects.RaErrDeg, objectIndex), Error(sources.RaErrDeg, sourceIndex));
        var varDec = SummedVariance(Error(objects.DecErrDeg, objectIndex), Error(sources.DecErrDeg, sourceIndex));
        var chi2 = (east * east / varRa) + (north * north / varDec);
        return (0.5 * chi2) + (0.5 * Math.Log(varRa * varDec));
    }

    /// <summary>One axis's variance of a pair: both squared errors summed (0.2" for an unusable one), floored at (0.05")^2.</summary>
    /// <param name="errorArcsecA">One catalog's error, arcsec; NaN, infinite or non-positive means unknown.</param>
    /// <param name="errorArcsecB">The other catalog's error, arcsec.</param>
    /// <returns>The variance, arcsec^2.</returns>
    [Pure]
    public static double SummedVariance(double errorArcsecA, double errorArcsecB) =>
        Math.Max(Squared(errorArcsecA) + Squared(errorArcsecB), SigmaFloorArcsec * SigmaFloorArcsec);

    private static double Squared(double errorArcsec)
    {
        var sigma = double.IsFinite(errorArcsec) && errorArcsec > 0 ? errorArcsec : FallbackSigmaArcsec;
        return sigma * sigma;
    }

    private static double Error(ReadOnlySpan<double> errorsDeg, int index) => errorsDeg.IsEmpty ? double.NaN : errorsDeg[index] * 3600.0;

    private static bool HasUsableErrors(Catalog catalog) =>
        catalog.HasErrors && AnyUsable(catalog.RaErrDeg) && AnyUsable(catalog.DecErrDeg);

    private static bool AnyUsable(ReadOnlySpan<double> errors)
    {
        foreach (var e in errors)
        {
            if (double.IsFinite(e) && e > 0)
            {
                return true;
            }
        }

        return false;
    }
}
