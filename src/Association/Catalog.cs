using System.Diagnostics.CodeAnalysis;
using System.Globalization;

using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// A validated catalog of positions as a struct of arrays: ids, RA/Dec, unit vectors (computed once) and optional
/// per-axis errors. Row order is the input order and is what results follow.
/// </summary>
public sealed class Catalog
{
    private readonly long[] _ids;
    private readonly double[] _ra;
    private readonly double[] _dec;
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _z;
    private readonly double[]? _raErr;
    private readonly double[]? _decErr;
    private readonly Dictionary<long, int> _indexById;

    private Catalog(string label, long[] ids, double[] ra, double[] dec, double[]? raErr, double[]? decErr, Dictionary<long, int> indexById)
    {
        Label = label;
        _ids = ids;
        _ra = ra;
        _dec = dec;
        _raErr = raErr;
        _decErr = decErr;
        _indexById = indexById;
        _x = new double[ids.Length];
        _y = new double[ids.Length];
        _z = new double[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            (_x[i], _y[i], _z[i]) = UnitVectorOf(ra[i], dec[i]);
        }
    }

    /// <summary>What a row is called in messages: "object", "source".</summary>
    public string Label { get; }

    /// <summary>Number of rows.</summary>
    public int Count => _ids.Length;

    /// <summary>Row ids.</summary>
    public ReadOnlySpan<long> Ids => _ids;

    internal long[] IdArray => _ids;

    /// <summary>Right ascension, degrees.</summary>
    public ReadOnlySpan<double> RaDeg => _ra;

    /// <summary>Declination, degrees.</summary>
    public ReadOnlySpan<double> DecDeg => _dec;

    /// <summary>Unit vector X = cos(dec) cos(ra).</summary>
    public ReadOnlySpan<double> X => _x;

    /// <summary>Unit vector Y = cos(dec) sin(ra).</summary>
    public ReadOnlySpan<double> Y => _y;

    /// <summary>Unit vector Z = sin(dec).</summary>
    public ReadOnlySpan<double> Z => _z;

    /// <summary>True when the catalog carries position errors (some may still be NaN, meaning unknown).</summary>
    [MemberNotNullWhen(true, nameof(_raErr), nameof(_decErr))]
    public bool HasErrors => _raErr is not null;

    /// <summary>RA error (dRA*cos(dec)) in degrees, NaN when unknown; empty when <see cref="HasErrors"/> is false.</summary>
    public ReadOnlySpan<double> RaErrDeg => _raErr;

    /// <summary>Dec error in degrees, NaN when unknown; empty when <see cref="HasErrors"/> is false.</summary>
    public ReadOnlySpan<double> DecErrDeg => _decErr;

    /// <summary>An empty catalog.</summary>
    /// <param name="label">What a row is called in messages.</param>
    /// <returns>A catalog with no rows.</returns>
    public static Catalog Empty(string label = "row") => FromArrays([], [], [], null, null, label);

    /// <summary>Builds and validates a catalog from entries. Errors are kept when any entry has one.</summary>
    /// <param name="entries">The rows, in the order results will follow.</param>
    /// <param name="label">What a row is called in messages ("object", "source").</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="AssociationInputException">A coordinate or error is invalid, or an id repeats; the message names the row id.</exception>
    public static Catalog Create(ReadOnlySpan<CatalogEntry> entries, string label = "row")
    {
        var n = entries.Length;
        var ids = new long[n];
        var ra = new double[n];
        var dec = new double[n];
        var raErr = new double[n];
        var decErr = new double[n];
        var anyError = false;
        for (var i = 0; i < n; i++)
        {
            ref readonly var e = ref entries[i];
            ids[i] = e.Id;
            ra[i] = e.RaDeg;
            dec[i] = e.DecDeg;
            raErr[i] = e.RaErrDeg;
            decErr[i] = e.DecErrDeg;
            anyError |= !double.IsNaN(e.RaErrDeg) || !double.IsNaN(e.DecErrDeg);
        }

        return anyError ? FromArrays(ids, ra, dec, raErr, decErr, label) : FromArrays(ids, ra, dec, null, null, label);
    }

    /// <summary>Builds and validates a catalog from columns. The arrays are owned by the catalog afterwards.</summary>
    /// <param name="ids">Row ids, unique.</param>
    /// <param name="raDeg">Right ascension in degrees, in [0, 360].</param>
    /// <param name="decDeg">Declination in degrees, in [-90, 90].</param>
    /// <param name="raErrDeg">Optional RA errors (dRA*cos(dec)), degrees; NaN for unknown, otherwise finite and &gt; 0.</param>
    /// <param name="decErrDeg">Optional Dec errors, degrees; given together with <paramref name="raErrDeg"/>.</param>
    /// <param name="label">What a row is called in messages ("object", "source").</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="AssociationInputException">A coordinate or error is invalid, or an id repeats; the message names the row id.</exception>
    public static Catalog FromArrays(long[] ids, double[] raDeg, double[] decDeg, double[]? raErrDeg, double[]? decErrDeg, string label = "row")
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(raDeg);
        ArgumentNullException.ThrowIfNull(decDeg);
        ArgumentException.ThrowIfNullOrEmpty(label);
        Preconditions.SameLength(ids.Length, raDeg.Length, nameof(ids), nameof(raDeg));
        Preconditions.SameLength(ids.Length, decDeg.Length, nameof(ids), nameof(decDeg));
        if ((raErrDeg is null) != (decErrDeg is null))
        {
            throw new ArgumentException("raErrDeg and decErrDeg must be given together", nameof(raErrDeg));
        }

        if (raErrDeg is not null)
        {
            Preconditions.SameLength(ids.Length, raErrDeg.Length, nameof(ids), nameof(raErrDeg));
            Preconditions.SameLength(ids.Length, decErrDeg!.Length, nameof(ids), nameof(decErrDeg));
        }

        var indexById = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            CheckCoordinate(label, id, "ra", raDeg[i], 0, 360);
            CheckCoordinate(label, id, "dec", decDeg[i], -90, 90);
            if (raErrDeg is not null)
            {
                CheckError(label, id, "raErr", raErrDeg[i]);
                CheckError(label, id, "decErr", decErrDeg![i]);
            }

            if (!indexById.TryAdd(id, i))
            {
                throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"{label} {id}: duplicate id (rows {indexById[id] + 1} and {i + 1})"));
            }
        }

        return new Catalog(label, ids, raDeg, decDeg, raErrDeg, decErrDeg, indexById);
    }

    /// <summary>Finds the row of an id.</summary>
    /// <param name="id">The id to look up.</param>
    /// <param name="index">The row, when found.</param>
    /// <returns>True when the id is in the catalog.</returns>
    public bool TryGetIndex(long id, out int index) => _indexById.TryGetValue(id, out index);

    /// <summary>The entry at a row.</summary>
    /// <param name="index">The row.</param>
    /// <returns>The row as an entry (errors NaN when the catalog has none).</returns>
    public CatalogEntry this[int index] => new(
        _ids[index], _ra[index], _dec[index],
        _raErr is null ? double.NaN : _raErr[index],
        _decErr is null ? double.NaN : _decErr[index]);

    internal static (double X, double Y, double Z) UnitVectorOf(double raDeg, double decDeg)
    {
        var (sinRa, cosRa) = Math.SinCos(raDeg * (Math.PI / 180.0));
        var (sinDec, cosDec) = Math.SinCos(decDeg * (Math.PI / 180.0));
        return (cosDec * cosRa, cosDec * sinRa, sinDec);
    }

    private static void CheckCoordinate(string label, long id, string name, double value, double min, double max)
    {
        if (!double.IsFinite(value))
        {
            throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"{label} {id}: {name} = {value} is not a finite number"));
        }

        if (value < min || value > max)
        {
            throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"{label} {id}: {name} = {value} is outside [{min}, {max}]"));
        }
    }

    private static void CheckError(string label, long id, string name, double value)
    {
        if (!double.IsNaN(value) && (!double.IsFinite(value) || value <= 0))
        {
            throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"{label} {id}: {name} = {value} must be finite and > 0 (or empty when unknown)"));
        }
    }
}
