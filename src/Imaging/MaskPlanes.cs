namespace Apdb.Imaging;

/// <summary>Names of mask planes as they appear in FITS headers (MP_BAD, MP_SAT, ...), and the usual "do not use" set.</summary>
public static class MaskPlanes
{
    /// <summary>Pixels that no measurement should use: BAD, SAT, CR, EDGE, NO_DATA.</summary>
    public const MaskPlane Unusable = MaskPlane.Bad | MaskPlane.Sat | MaskPlane.Cr | MaskPlane.Edge | MaskPlane.NoData;

    /// <summary>The FITS name of each single-bit plane.</summary>
    public static IReadOnlyList<(MaskPlane Plane, string Name)> Names { get; } =
    [
        (MaskPlane.Bad, "BAD"), (MaskPlane.Sat, "SAT"), (MaskPlane.Intrp, "INTRP"), (MaskPlane.Cr, "CR"),
        (MaskPlane.Edge, "EDGE"), (MaskPlane.Detected, "DETECTED"), (MaskPlane.DetectedNegative, "DETECTED_NEGATIVE"),
        (MaskPlane.Suspect, "SUSPECT"), (MaskPlane.NoData, "NO_DATA"),
    ];

    /// <summary>
    /// Reads the file's plane names (MASKBn = 'NAME', written here, or Rubin's MP_NAME = n where the name fits a
    /// keyword) and returns the bits of the file that mean <paramref name="planes"/>; without either the file is taken
    /// to use the default bit numbers.
    /// </summary>
    public static int BitsInFile(FitsHeader header, MaskPlane planes)
    {
        ArgumentNullException.ThrowIfNull(header);
        var map = FileBitMap(header);
        var bits = 0;
        for (var b = 0; b < 32; b++)
        {
            if ((map[b] & (int)planes) != 0)
            {
                bits |= 1 << b;
            }
        }

        return bits;
    }

    /// <summary>map[fileBit] = our plane bits for that file bit (identity when the file names no planes).</summary>
    internal static int[] FileBitMap(FitsHeader header)
    {
        var map = new int[32];
        var any = false;
        foreach (var (plane, name) in Names)
        {
            var keyword = "MP_" + name;
            if (keyword.Length <= 8 && header.GetLong(keyword) is { } bit && bit is >= 0 and < 32)
            {
                map[bit] |= (int)plane;
                any = true;
            }
        }

        for (var b = 0; b < 32; b++)
        {
            if (header.GetString($"MASKB{b}")?.Trim() is { } name && Names.FirstOrDefault(n => n.Name == name) is { Name: not null } known)
            {
                map[b] = (int)known.Plane;
                any = true;
            }
        }

        if (!any)
        {
            for (var b = 0; b < 32; b++)
            {
                map[b] = 1 << b;
            }
        }

        return map;
    }

    /// <summary>
    /// Writes MASKBn = 'NAME' for each plane (Rubin's MP_NAME keywords need HIERARCH for most names, which this
    /// writer does not produce).
    /// </summary>
    public static void WriteTo(FitsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        foreach (var (plane, name) in Names)
        {
            header.Set($"MASKB{System.Numerics.BitOperations.Log2((uint)plane)}", name, "mask plane of this bit");
        }
    }
}
