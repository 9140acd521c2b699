using Apdb.Imaging;

namespace Apdb.Frontend.Calibration;

/// <summary>The result of an astrometric fit.</summary>
/// <param name="Wcs">The fitted WCS (TAN-SIP, or TAN when too few matches for the distortion terms).</param>
/// <param name="Matches">Matched source-reference pairs used in the final fit.</param>
/// <param name="RmsMas">RMS of the fit residuals on the sky, milliarcseconds.</param>
/// <param name="SipOrder">Polynomial order fitted: 3 (TAN-SIP) or 1 (TAN, linear).</param>
/// <param name="Pairs">The final pairs: source index and reference index.</param>
internal sealed record AstrometricSolution(TanWcs Wcs, int Matches, double RmsMas, int SipOrder, IReadOnlyList<(int Source, int Reference)> Pairs);
