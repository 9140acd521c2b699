namespace Apdb.Frontend.Detection;

/// <summary>One deblended peak of a footprint above threshold.</summary>
/// <param name="X">Peak pixel x.</param>
/// <param name="Y">Peak pixel y.</param>
/// <param name="Snr">Matched-filter S/N at the peak (negative for negative detections).</param>
/// <param name="FootprintId">Index of the parent footprint.</param>
/// <param name="FootprintArea">Pixels of the parent footprint.</param>
/// <param name="PeaksInFootprint">Kept peaks in the parent footprint (more than 1: the source was deblended).</param>
/// <param name="BboxSize">Longer side of the footprint's bounding box, pixels.</param>
/// <param name="FootprintMask">OR of the mask bits over the footprint's pixels.</param>
public readonly record struct DetectedPeak(int X, int Y, double Snr, int FootprintId, int FootprintArea, int PeaksInFootprint, int BboxSize, int FootprintMask)
{
    /// <summary>True for a detection below minus the threshold.</summary>
    public bool IsNegative => Snr < 0;
}
