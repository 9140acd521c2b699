namespace Apdb.Sky;

/// <summary>
/// Classifies a pixel, given only its centre and a bound on its radius. Implementations must never answer
/// <see cref="PixelClass.Outside"/> for a pixel that touches the region, nor <see cref="PixelClass.Inside"/> for one that leaves it.
/// </summary>
internal interface IPixelClassifier
{
    PixelClass Classify(int depth, UnitVector center);
}
