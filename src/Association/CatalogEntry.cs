namespace Apdb.Association;

/// <summary>
/// One row of an object or source catalog: an id, a position and optional per-axis position errors.
/// </summary>
/// <param name="Id">Unique id within its catalog (diaObjectId or diaSourceId).</param>
/// <param name="RaDeg">Right ascension in degrees, in [0, 360].</param>
/// <param name="DecDeg">Declination in degrees, in [-90, 90].</param>
/// <param name="RaErrDeg">Error of right ascension as dRA*cos(dec), degrees; NaN when unknown.</param>
/// <param name="DecErrDeg">Error of declination, degrees; NaN when unknown.</param>
public readonly record struct CatalogEntry(long Id, double RaDeg, double DecDeg, double RaErrDeg = double.NaN, double DecErrDeg = double.NaN);
