namespace Apdb.ForcedPhot;

/// <summary>One forced PSF measurement.</summary>
/// <param name="X">Pixel x of the fixed position.</param>
/// <param name="Y">Pixel y of the fixed position.</param>
/// <param name="InstFlux">PSF amplitude in image units (NaN when not measured).</param>
/// <param name="InstFluxErr">Its 1-sigma error, after any error rescale.</param>
/// <param name="Flux">The amplitude in nJy through the exposure's calibration (image units when it has none).</param>
/// <param name="FluxErr">Its error in nJy.</param>
/// <param name="Chi2">sum over the stamp's good pixels of (data - model)^2 / variance, the model including fitted neighbours.</param>
/// <param name="GoodPixels">Number of stamp pixels used.</param>
/// <param name="Flags">What went wrong or needs care.</param>
public readonly record struct ForcedMeasurement(
    double X, double Y, double InstFlux, double InstFluxErr, double Flux, double FluxErr, double Chi2, int GoodPixels, ForcedPhotFlags Flags);
