using System.Diagnostics.Contracts;
using System.Globalization;

namespace Apdb.Sky;

/// <summary>A half-open range [Start, End) of HEALPix NESTED ids at some depth.</summary>
public readonly struct PixelRange : IEquatable<PixelRange>
{
    /// <summary>Creates the range [start, end).</summary>
    /// <exception cref="ArgumentOutOfRangeException">start is negative or end is not greater than start.</exception>
    public PixelRange(long start, long end)
    {
        if (start < 0)
        {
            Preconditions.ThrowOutOfRange(nameof(start), $"start = {start} is negative");
        }

        if (end <= start)
        {
            Preconditions.ThrowOutOfRange(nameof(end), $"end = {end} is not greater than start = {start}");
        }

        Start = start;
        End = end;
    }

    /// <summary>The first id in the range.</summary>
    public long Start { get; }

    /// <summary>One past the last id in the range.</summary>
    public long End { get; }

    /// <summary>The number of ids in the range.</summary>
    public long Length => End - Start;

    /// <summary>Whether <paramref name="id"/> lies in [Start, End).</summary>
    [Pure]
    public bool Contains(long id) => id >= Start && id < End;

    /// <inheritdoc />
    public bool Equals(PixelRange other) => Start == other.Start && End == other.End;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PixelRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End);

    /// <summary>Equality of both bounds.</summary>
    public static bool operator ==(PixelRange left, PixelRange right) => left.Equals(right);

    /// <summary>Inequality of either bound.</summary>
    public static bool operator !=(PixelRange left, PixelRange right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Start}, {End})");
}
