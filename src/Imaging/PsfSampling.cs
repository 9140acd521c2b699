namespace Apdb.Imaging;

/// <summary>How an analytic PSF becomes pixel values.</summary>
public enum PsfSampling
{
    /// <summary>Each pixel holds the profile integrated over its area (what a detector records).</summary>
    Integrated,

    /// <summary>Each pixel holds the profile's value at its centre (times the pixel area).</summary>
    Sampled,
}
