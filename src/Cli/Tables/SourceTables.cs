using System.Globalization;
using Apdb.Association;
using Apdb.Frontend;
using Apdb.Frontend.Measurement;
using Apdb.ForcedPhot;

namespace Apdb.Cli.Tables;

/// <summary>
/// The tables the image commands write, with units and descriptions. Each keeps the integer <c>flags</c> column of the
/// command's contract and adds Rubin's boolean flag columns (DiaSource's names in the APDB schema) for the bits Rubin has.
/// </summary>
internal static class SourceTables
{
    /// <summary><c>detect</c>'s sources; fluxes in nJy when the image is calibrated, else in image units (counts).</summary>
    public static OutputTable Detections(IReadOnlyList<DetectedSource> sources, bool calibrated)
    {
        var flux = calibrated ? "nJy" : "ct";
        var table = new OutputTable()
            .Add("id", Map(sources, s => (long)s.Id), description: "source number in the image")
            .Add("x", Map(sources, s => s.X), "pixel", "column, 0-based, pixel centres on integers")
            .Add("y", Map(sources, s => s.Y), "pixel", "row, 0-based")
            .Add("ra", Map(sources, s => s.Ra), "deg", "right ascension through the image's WCS (NaN without one)")
            .Add("dec", Map(sources, s => s.Dec), "deg", "declination through the image's WCS")
            .Add("psfFlux", Map(sources, s => s.PsfFlux), flux, "PSF flux")
            .Add("psfFluxErr", Map(sources, s => s.PsfFluxErr), flux, "PSF flux uncertainty")
            .Add("apFlux", Map(sources, s => s.ApFlux), flux, "aperture flux")
            .Add("apFluxErr", Map(sources, s => s.ApFluxErr), flux, "aperture flux uncertainty")
            .Add("snr", Map(sources, s => s.Snr), description: "signal to noise of the detection")
            .Add("ixx", Map(sources, s => s.Ixx), "pixel**2", "second moment xx")
            .Add("iyy", Map(sources, s => s.Iyy), "pixel**2", "second moment yy")
            .Add("ixy", Map(sources, s => s.Ixy), "pixel**2", "second moment xy")
            .Add("flags", Map(sources, s => (int)s.Flags), description: "bit sum of the measurement flags (apdb detect --help)");
        (string Name, MeasurementFlags Bit, string Description)[] booleans =
        [
            ("pixelFlags_edge", MeasurementFlags.Edge, "the PSF stamp or aperture reaches the image edge"),
            ("pixelFlags_saturated", MeasurementFlags.Saturated, "a saturated pixel under the PSF stamp"),
            ("pixelFlags_bad", MeasurementFlags.Bad, "a bad (defect) pixel under the PSF stamp"),
            ("pixelFlags_cr", MeasurementFlags.CosmicRay, "a cosmic-ray pixel under the PSF stamp"),
            ("pixelFlags_nodata", MeasurementFlags.NoData, "an interpolated or no-data pixel under the PSF stamp"),
            ("centroid_flag", MeasurementFlags.CentroidFailed, "the centroid did not converge"),
            ("psfFlux_flag", MeasurementFlags.PsfFitFailed, "no usable pixel under the PSF: no PSF flux"),
            ("apFlux_flag_apertureTruncated", MeasurementFlags.ApertureTruncated, "the aperture was cut by the image edge"),
            ("isNegative", MeasurementFlags.Negative, "a negative detection"),
            ("isDipole", MeasurementFlags.Dipole, "a positive and a negative lobe of similar flux"),
        ];
        foreach (var (name, bit, description) in booleans)
        {
            table.Add(name, Map(sources, s => (s.Flags & bit) != 0), description: description);
        }

        table.Add("parent", Map(sources, s => (long)s.Parent), description: "a deblended child's parent footprint (numbered after the last id; parents are not rows), 0 when not deblended");
        return table;
    }

    /// <summary><c>forced-phot</c>'s measurements at the given positions.</summary>
    public static OutputTable ForcedPhotometry(string[] ids, IReadOnlyList<ForcedMeasurement> results, bool calibrated)
    {
        var flux = calibrated ? "nJy" : "ct";
        var table = new OutputTable()
            .Add("id", Ids(ids), description: "the position's id")
            .Add("x", Map(results, r => r.X), "pixel", "column, 0-based")
            .Add("y", Map(results, r => r.Y), "pixel", "row, 0-based")
            .Add("psfFlux", Map(results, r => r.Flux), flux, "PSF-amplitude flux at the fixed position")
            .Add("psfFluxErr", Map(results, r => r.FluxErr), flux, "flux uncertainty")
            .Add("chi2", Map(results, r => r.Chi2), description: "sum((data - model)^2 / variance) over the stamp's good pixels")
            .Add("flags", Map(results, r => (int)r.Flags), description: "bit sum: 1 edge, 2 no good pixels, 4 off image, 8 blended fit, 16 masked pixels");
        table.Add("psfFlux_flag", Map(results, r => (r.Flags & (ForcedPhotFlags.NoGoodPixels | ForcedPhotFlags.OffImage)) != 0), description: "no flux measured");
        table.Add("psfFlux_flag_edge", Map(results, r => (r.Flags & ForcedPhotFlags.Edge) != 0), description: "the stamp extends past the image edge");
        table.Add("psfFlux_flag_noGoodPixels", Map(results, r => (r.Flags & ForcedPhotFlags.NoGoodPixels) != 0), description: "no usable pixel under the PSF");
        table.Add("pixelFlags_offimage", Map(results, r => (r.Flags & ForcedPhotFlags.OffImage) != 0), description: "the position is off the image");
        return table;
    }

    /// <summary>
    /// <c>associate</c>'s result, one row a source: <c>sourceId,objectId,distArcsec</c>, the last two empty when the source
    /// is unmatched (in CSV this is <see cref="MatchFile"/>'s format, byte for byte).
    /// </summary>
    public static OutputTable Matches(IReadOnlyList<MatchResult> matches) => new OutputTable()
        .Add("sourceId", Map(matches, m => m.SourceId), description: "the source's id (the --sources catalog)")
        .Add("objectId", Map(matches, m => m.ObjectId), description: "the matched object's id (the --objects catalog); empty when unmatched")
        .Add("distArcsec", Map(matches, m => m.ObjectId is null ? null : (double?)m.DistArcsec), "arcsec", "angular distance between the source and its object");

    /// <summary>Ids as 64-bit integers when every one is one, else as text.</summary>
    private static Array Ids(string[] ids)
    {
        var numbers = new long[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            if (!long.TryParse(ids[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return ids;
            }
        }

        return numbers;
    }

    private static T[] Map<TSource, T>(IReadOnlyList<TSource> rows, Func<TSource, T> value)
    {
        var result = new T[rows.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value(rows[i]);
        }

        return result;
    }
}
