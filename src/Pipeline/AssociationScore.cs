namespace Apdb.Pipeline;

/// <summary>Association quality against the simulation's truth, for DiaSources at or above an S/N.</summary>
/// <param name="Purity">Of the sources matched to an existing DiaObject (and matched to a true source), the fraction whose object is that true source's; NaN when none.</param>
/// <param name="Completeness">Of the sources of a true source that already had a DiaObject, the fraction matched to it; NaN when none.</param>
/// <param name="Matched">Sources counted for purity.</param>
/// <param name="Correct">Matched sources whose object is right.</param>
/// <param name="Expected">Sources counted for completeness.</param>
/// <param name="Found">Expected sources matched to their object.</param>
public readonly record struct AssociationScore(double Purity, double Completeness, int Matched, int Correct, int Expected, int Found)
{
    /// <summary>The sum of two tallies, with the fractions recomputed.</summary>
    public static AssociationScore operator +(AssociationScore a, AssociationScore b) =>
        From(a.Matched + b.Matched, a.Correct + b.Correct, a.Expected + b.Expected, a.Found + b.Found);

    /// <summary>Builds the score from its tallies.</summary>
    public static AssociationScore From(int matched, int correct, int expected, int found) =>
        new(matched > 0 ? (double)correct / matched : double.NaN, expected > 0 ? (double)found / expected : double.NaN, matched, correct, expected, found);

    /// <summary>The sum of two tallies (for languages without operators).</summary>
    public static AssociationScore Add(AssociationScore left, AssociationScore right) => left + right;
}
