namespace Apdb.ForcedPhot;

/// <summary>The PSF-amplitude estimator.</summary>
public enum FluxEstimator
{
    /// <summary>
    /// Variance-weighted least squares: f = sum(P D / V) / sum(P^2 / V), err^2 = 1 / sum(P^2 / V). The minimum-variance
    /// unbiased estimator for uncorrelated Gaussian noise with the given variance; the default.
    /// </summary>
    Weighted,

    /// <summary>
    /// Rubin's estimator: f = sum(P D) / sum(P^2), err = sqrt(sum(P^2 V)) / sum(P^2). Unbiased whatever the variance
    /// plane says, but noisier when the variance varies across the stamp (bright stars, masks, edges).
    /// </summary>
    Unweighted,
}
