namespace Apdb.Pipeline;

/// <summary>Forced photometry of one detector-visit: how many objects, how long.</summary>
/// <param name="Targets">Objects measured (on two exposures each).</param>
/// <param name="Seconds">Stage seconds.</param>
public readonly record struct ForcedPhotPoint(int Targets, double Seconds);
