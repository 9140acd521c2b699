namespace Apdb.Sky;

/// <summary>
/// Classifies pixels against a disc by the distance between centres, in squared chords: unlike dot products,
/// chords keep full precision for arcsecond-sized discs and milliarcsecond-sized pixels.
/// </summary>
internal readonly struct ConeClassifier : IPixelClassifier
{
    // Covers the rounding of pixel centres and chord arithmetic (~1e-16 rad) many times over.
    private const double MarginRad = 1e-13;

    private readonly UnitVector _center;
    private readonly double[] _outsideChord2;
    private readonly double[] _insideChord2;

    public ConeClassifier(UnitVector center, double radiusRad)
    {
        _center = center;
        _outsideChord2 = new double[HealpixNested.MaxDepth + 1];
        _insideChord2 = new double[HealpixNested.MaxDepth + 1];
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var pixel = HealpixNested.MaxPixelRadiusRad(d);
            var outer = radiusRad + pixel + MarginRad;
            var inner = radiusRad - pixel - MarginRad;
            _outsideChord2[d] = outer >= Math.PI ? double.PositiveInfinity : Chord2(outer);
            _insideChord2[d] = inner <= 0 ? -1.0 : Chord2(inner);
        }
    }

    public PixelClass Classify(int depth, UnitVector center)
    {
        var c2 = AngularDistance.ChordSquared(_center, center);
        if (c2 > _outsideChord2[depth])
        {
            return PixelClass.Outside;
        }

        return c2 <= _insideChord2[depth] ? PixelClass.Inside : PixelClass.Partial;
    }

    internal static double Chord2(double angleRad)
    {
        var half = Math.Sin(0.5 * angleRad);
        return 4.0 * half * half;
    }
}
