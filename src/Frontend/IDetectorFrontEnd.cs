using Apdb.Imaging;
using Apdb.Records;
using Apdb.Simulation;
using Apdb.Sky;

namespace Apdb.Frontend;

/// <summary>
/// The upstream half of ApPipe for one detector-visit: from the exposure (rendered from the simulated sky, or read from
/// files) to DiaSources and the two exposures forced photometry needs. DiaPipe (association, summaries, forced
/// photometry, store) runs on the result.
/// </summary>
public interface IDetectorFrontEnd
{
    /// <summary>Runs ISR, calibration, template subtraction and DIA detection/measurement for one detector of one visit.</summary>
    /// <param name="visit">The visit, from the same cadence the history was loaded from.</param>
    /// <param name="detector">Detector id, 0-188.</param>
    /// <param name="cancellationToken">Stops the work between stages.</param>
    FrontEndResult Process(Visit visit, int detector, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the detector-visit knowing where the variable objects are (from the preload, which may still be reading
    /// while the front end starts): a front end that fits a matching kernel leaves stars near them out of its stamps
    /// and waits for the positions only there. The default ignores them.
    /// </summary>
    /// <param name="visit">The visit.</param>
    /// <param name="detector">Detector id, 0-188.</param>
    /// <param name="knownVariables">Sky positions of known variable objects, when they arrive.</param>
    /// <param name="cancellationToken">Stops the work between stages.</param>
    FrontEndResult Process(Visit visit, int detector, Task<IReadOnlyList<SkyPosition>> knownVariables, CancellationToken cancellationToken = default) =>
        Process(visit, detector, cancellationToken);
}

/// <summary>What the front end hands to DiaPipe for one detector-visit.</summary>
public sealed class FrontEndResult
{
    /// <summary>
    /// DiaSources in Rubin's units and columns (positions in degrees, fluxes in nJy), with <c>diaSourceId</c>, visit,
    /// detector, band and <c>midpointMjdTai</c> set and <c>diaObjectId</c> null: association fills it.
    /// </summary>
    public required IReadOnlyList<DiaSource> DiaSources { get; init; }

    /// <summary>The difference image (science minus PSF-matched template) with variance, mask, WCS, PSF and calibration.</summary>
    public required Exposure Difference { get; init; }

    /// <summary>The calibrated science exposure with variance, mask, WCS, PSF and calibration.</summary>
    public required Exposure Science { get; init; }

    /// <summary>The template warped to the science pixel grid (before PSF matching), or null when the front end has none.</summary>
    public Exposure? Template { get; init; }

    /// <summary>Seconds spent per stage, in order: at least <c>isr</c>, <c>calibrate</c>, <c>subtract</c>, <c>detect</c>;
    /// image rendering, when the input is simulated, is reported as <c>simulate</c> so it can be left out of the totals.</summary>
    public required IReadOnlyList<StageTiming> Stages { get; init; }
}

/// <summary>Wall-clock seconds of one named stage.</summary>
/// <param name="Stage">Stage name as reported in <c>apdb run --json</c> (<c>isr</c>, <c>calibrate</c>, ...).</param>
/// <param name="Seconds">Elapsed wall-clock seconds.</param>
public readonly record struct StageTiming(string Stage, double Seconds);
