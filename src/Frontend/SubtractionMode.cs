namespace Apdb.Frontend;

/// <summary>Which image image differencing convolves (Rubin ip_diffim's <c>mode</c>).</summary>
public enum SubtractionMode
{
    /// <summary>
    /// Convolve the template unless matching it to the science would be a deconvolution wider than the basis's
    /// narrowest Gaussian (<see cref="Subtraction.AlardLuptonMatcher.ShouldConvolveScience"/>), then convolve the science.
    /// </summary>
    Auto,

    /// <summary>Always convolve the template to match the science.</summary>
    ConvolveTemplate,

    /// <summary>Always convolve the science to match the template.</summary>
    ConvolveScience,
}
