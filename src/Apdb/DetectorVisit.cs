using System.Diagnostics.Contracts;

namespace Apdb;

/// <summary>One detector of one visit: the unit the pipeline processes and the APDB stores atomically.</summary>
public readonly struct DetectorVisit : IEquatable<DetectorVisit>
{
    /// <summary>Creates the key. The visit must be non-negative and the detector within the camera's 0-188 (or any 0-32767 id).</summary>
    public DetectorVisit(long visit, short detector)
    {
        if (visit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(visit), visit, $"visit = {visit} must be >= 0");
        }

        if (detector < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(detector), detector, $"detector = {detector} must be >= 0");
        }

        Visit = visit;
        Detector = detector;
    }

    /// <summary>The visit id.</summary>
    public long Visit { get; }

    /// <summary>The detector id.</summary>
    public short Detector { get; }

    /// <inheritdoc />
    [Pure]
    public bool Equals(DetectorVisit other) => Visit == other.Visit && Detector == other.Detector;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DetectorVisit other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Visit, Detector);

    /// <inheritdoc />
    public override string ToString() => $"visit {Visit}, detector {Detector}";

    /// <summary>Equality.</summary>
    public static bool operator ==(DetectorVisit left, DetectorVisit right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DetectorVisit left, DetectorVisit right) => !left.Equals(right);
}
