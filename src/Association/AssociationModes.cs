using Apdb.Sky;

namespace Apdb.Association;

/// <summary>Names of <see cref="AssociationMode"/> as used on the command line.</summary>
public static class AssociationModes
{
    /// <summary>The accepted names, in the order help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["greedy", "nearest", "optimal"];

    /// <summary>Parses "greedy", "nearest" or "optimal" (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The mode.</returns>
    /// <exception cref="AssociationInputException">The name is not a mode.</exception>
    public static AssociationMode Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "GREEDY" => AssociationMode.Greedy,
            "NEAREST" => AssociationMode.Nearest,
            "OPTIMAL" => AssociationMode.Optimal,
            _ => throw new AssociationInputException($"unknown association mode {UserText.Quote(name)} (expected greedy, nearest or optimal)"),
        };
    }

    /// <summary>The command-line name of a mode.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>"greedy", "nearest" or "optimal".</returns>
    public static string ToName(this AssociationMode mode) => mode switch
    {
        AssociationMode.Greedy => "greedy",
        AssociationMode.Nearest => "nearest",
        AssociationMode.Optimal => "optimal",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
