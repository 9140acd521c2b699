using Apdb.Imaging;

namespace Apdb.Alerts;

/// <summary>The exposures of one detector-visit that alert cutouts are cut from, all on the science pixel grid.</summary>
/// <param name="Difference">The difference image.</param>
/// <param name="Science">The calibrated science exposure.</param>
/// <param name="Template">The template warped to the science grid, or null when the front end has none (no template cutout).</param>
public sealed record AlertImages(Exposure Difference, Exposure Science, Exposure? Template);
