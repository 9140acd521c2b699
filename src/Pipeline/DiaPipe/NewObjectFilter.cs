using Apdb.Association;
using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// Which unmatched DiaSources may found a new DiaObject, as ap_association's DiaPipe filters them
/// (<c>filterUnAssociatedSources</c>, diaPipe.py 2026), and the <c>maxNewDiaObjects</c> guard. A source is rejected
/// when it carries a <see cref="BadSourceFlags"/> flag, when its reliability is below
/// <see cref="DiaPipeOptions.NewObjectReliabilityThreshold"/>, when |apFlux/apFluxErr| is below
/// <see cref="DiaPipeOptions.NewObjectSnrThreshold"/>, or when both its S/N is below
/// <see cref="DiaPipeOptions.NewObjectLowReliabilitySnrThreshold"/> and its reliability below
/// <see cref="DiaPipeOptions.NewObjectLowSnrReliabilityThreshold"/>. A threshold of 0 turns its cut off. A missing
/// reliability or S/N fails no cut (Rubin compares NaN, which is never below a threshold). Rejected sources are
/// dropped: not stored, counted in the report.
/// </summary>
public static class NewObjectFilter
{
    /// <summary>Whether an unmatched source must not found a new DiaObject.</summary>
    /// <param name="source">The DiaSource.</param>
    /// <param name="options">The thresholds.</param>
    /// <returns>True when a cut rejects it.</returns>
    public static bool Rejects(DiaSource source, DiaPipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (BadSourceFlags.IsBad(source))
        {
            return true;
        }

        var reliability = source.Reliability is { } r ? r : double.NaN;
        var snr = source.ApFlux is { } f && source.ApFluxErr is { } e ? Math.Abs((double)f / e) : double.NaN;
        return (options.NewObjectSnrThreshold > 0 && snr < options.NewObjectSnrThreshold)
            || (options.NewObjectReliabilityThreshold > 0 && reliability < options.NewObjectReliabilityThreshold)
            || (Math.Min(options.NewObjectLowReliabilitySnrThreshold, options.NewObjectLowSnrReliabilityThreshold) > 0
                && snr < options.NewObjectLowReliabilitySnrThreshold
                && reliability < options.NewObjectLowSnrReliabilityThreshold);
    }

    /// <summary>
    /// Assigns every source of a detector-visit a DiaObject: matched ones keep their match, unmatched ones found a new
    /// object unless <see cref="Rejects"/> drops them; refuses the visit when it would create more than
    /// <see cref="DiaPipeOptions.MaxNewDiaObjects"/>.
    /// </summary>
    /// <param name="matches">Association results in source order.</param>
    /// <param name="sources">The DiaSources, in the same order.</param>
    /// <param name="options">The thresholds and the limit.</param>
    /// <returns>One assignment per source, in source order.</returns>
    /// <exception cref="ApdbUserException">The visit would create more than <see cref="DiaPipeOptions.MaxNewDiaObjects"/> new objects.</exception>
    public static SourceAssignment[] Assign(IReadOnlyList<MatchResult> matches, IReadOnlyList<DiaSource> sources, DiaPipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        try
        {
            return DiaObjectAssignment.Assign(matches, i => Rejects(sources[i], options), options.MaxNewDiaObjects);
        }
        catch (TooManyNewDiaObjectsException ex)
        {
            throw new ApdbUserException($"the detector-visit {ex.Message}", ex);
        }
    }

    private static void Validate(DiaPipeOptions options)
    {
        CheckRange(options.NewObjectSnrThreshold, double.PositiveInfinity, nameof(options.NewObjectSnrThreshold));
        CheckRange(options.NewObjectLowReliabilitySnrThreshold, double.PositiveInfinity, nameof(options.NewObjectLowReliabilitySnrThreshold));
        CheckRange(options.NewObjectReliabilityThreshold, 1.0, nameof(options.NewObjectReliabilityThreshold));
        CheckRange(options.NewObjectLowSnrReliabilityThreshold, 1.0, nameof(options.NewObjectLowSnrReliabilityThreshold));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxNewDiaObjects, nameof(options.MaxNewDiaObjects));
    }

    private static void CheckRange(double value, double max, string name)
    {
        if (!(value >= 0 && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"DiaPipeOptions.{name} = {value} must be in [0, {max}]");
        }
    }
}
