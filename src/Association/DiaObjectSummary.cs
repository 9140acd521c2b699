using Apdb.Sky;

namespace Apdb.Association;

/// <summary>The summary of one DiaObject over its DiaSource history.</summary>
/// <param name="DiaObjectId">The object.</param>
/// <param name="Ra">Mean position RA (mean of unit vectors), degrees in [0, 360).</param>
/// <param name="Dec">Mean position Dec, degrees.</param>
/// <param name="RaErr">Error of the mean RA (dRA*cos(dec)): sqrt(sum raErr^2)/n, degrees; null when any source lacks it.</param>
/// <param name="DecErr">Error of the mean Dec, degrees; null when any source lacks it.</param>
/// <param name="NDiaSources">Number of DiaSources.</param>
/// <param name="FirstDiaSourceMjdTai">Earliest midpoint.</param>
/// <param name="LastDiaSourceMjdTai">Latest midpoint.</param>
/// <param name="Bands">Per-band summaries indexed by <see cref="Band"/>.</param>
public sealed record DiaObjectSummary(
    long DiaObjectId,
    double Ra,
    double Dec,
    double? RaErr,
    double? DecErr,
    int NDiaSources,
    double FirstDiaSourceMjdTai,
    double LastDiaSourceMjdTai,
    IReadOnlyList<BandSummary> Bands)
{
    /// <summary>The per-band column suffixes, in the order <see cref="Columns"/> lists them.</summary>
    public static IReadOnlyList<string> BandColumnSuffixes { get; } =
    [
        "psfFluxMean", "psfFluxMeanErr", "psfFluxSigma", "psfFluxNdata", "psfFluxMin", "psfFluxMax",
        "psfFluxMaxSlope", "psfFluxErrMean", "scienceFluxMean", "scienceFluxMeanErr",
    ];

    /// <summary>The summary as (DiaObject column name, value) pairs; null values are SQL NULL.</summary>
    /// <returns>The columns in a fixed order: identity and position first, then each band's columns.</returns>
    public IEnumerable<KeyValuePair<string, object?>> Columns()
    {
        yield return new("diaObjectId", DiaObjectId);
        yield return new("ra", Ra);
        yield return new("dec", Dec);
        yield return new("raErr", RaErr);
        yield return new("decErr", DecErr);
        yield return new("nDiaSources", NDiaSources);
        yield return new("firstDiaSourceMjdTai", FirstDiaSourceMjdTai);
        yield return new("lastDiaSourceMjdTai", LastDiaSourceMjdTai);
        foreach (var band in Sky.Bands.All)
        {
            var b = Bands[(int)band];
            var p = band.ToName() + "_";
            yield return new(p + "psfFluxMean", b.PsfFluxMean);
            yield return new(p + "psfFluxMeanErr", b.PsfFluxMeanErr);
            yield return new(p + "psfFluxSigma", b.PsfFluxSigma);
            yield return new(p + "psfFluxNdata", b.PsfFluxNdata);
            yield return new(p + "psfFluxMin", b.PsfFluxMin);
            yield return new(p + "psfFluxMax", b.PsfFluxMax);
            yield return new(p + "psfFluxMaxSlope", b.PsfFluxMaxSlope);
            yield return new(p + "psfFluxErrMean", b.PsfFluxErrMean);
            yield return new(p + "scienceFluxMean", b.ScienceFluxMean);
            yield return new(p + "scienceFluxMeanErr", b.ScienceFluxMeanErr);
        }
    }
}
