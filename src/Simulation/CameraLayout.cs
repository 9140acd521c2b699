namespace Apdb.Simulation;

/// <summary>
/// The LSST camera's science focal plane: 21 rafts (a 5 x 5 grid without its corners) of 3 x 3 sensors, 189
/// detectors of 4096 x 4096 pixels at 0.2 arcsec, about 3.5 degrees across. Sensor pitch 42.25 mm and raft pitch
/// 127 mm at 10 um pixels, i.e. 845 and 2540 arcsec, leaving the real camera's gaps between sensors.
/// </summary>
public static class CameraLayout
{
    /// <summary>Number of science detectors.</summary>
    public const int DetectorCount = 189;

    /// <summary>Pixels on a detector side.</summary>
    public const int DetectorPixels = 4096;

    /// <summary>Pixel scale in arcsec.</summary>
    public const double PixelScaleArcsec = 0.2;

    /// <summary>Detector side in arcsec.</summary>
    public const double DetectorSideArcsec = DetectorPixels * PixelScaleArcsec;

    /// <summary>Distance between sensor centres inside a raft, arcsec.</summary>
    public const double SensorPitchArcsec = 845.0;

    /// <summary>Distance between raft centres, arcsec.</summary>
    public const double RaftPitchArcsec = 2540.0;

    private static readonly (double U, double V)[] Centers = BuildCenters();

    // detector id by (raft column, raft row), -1 for the missing corner rafts.
    private static readonly int[] RaftIndex = BuildRaftIndex();

    /// <summary>The focal-plane centre (camera u, v in arcsec; +v is the camera's +y) of a detector.</summary>
    public static (double U, double V) Center(int detector) => Centers[detector];

    /// <summary>Rubin's name of a detector, e.g. "R22_S11".</summary>
    public static string Name(int detector)
    {
        var raft = detector / 9;
        var sensor = detector % 9;
        var (rx, ry) = RaftPosition(raft);
        return $"R{ry}{rx}_S{sensor / 3}{sensor % 3}";
    }

    /// <summary>
    /// The detector whose centre is nearest to focal-plane point (u, v) in arcsec, or -1 outside the rafts. Gaps are
    /// not excluded here: the caller checks the pixel position.
    /// </summary>
    internal static int Nearest(double u, double v)
    {
        var rx = (int)Math.Round(u / RaftPitchArcsec) + 2;
        var ry = (int)Math.Round(v / RaftPitchArcsec) + 2;
        if ((uint)rx > 4 || (uint)ry > 4)
        {
            return -1;
        }

        var raft = RaftIndex[ry * 5 + rx];
        if (raft < 0)
        {
            return -1;
        }

        var sx = Math.Clamp((int)Math.Round((u - (rx - 2) * RaftPitchArcsec) / SensorPitchArcsec) + 1, 0, 2);
        var sy = Math.Clamp((int)Math.Round((v - (ry - 2) * RaftPitchArcsec) / SensorPitchArcsec) + 1, 0, 2);
        return raft * 9 + sy * 3 + sx;
    }

    private static (int Rx, int Ry) RaftPosition(int raft)
    {
        var k = 0;
        for (var ry = 0; ry < 5; ry++)
        {
            for (var rx = 0; rx < 5; rx++)
            {
                if (IsCorner(rx, ry))
                {
                    continue;
                }

                if (k++ == raft)
                {
                    return (rx, ry);
                }
            }
        }

        throw new ArgumentOutOfRangeException(nameof(raft));
    }

    private static bool IsCorner(int rx, int ry) => (rx == 0 || rx == 4) && (ry == 0 || ry == 4);

    private static int[] BuildRaftIndex()
    {
        var index = new int[25];
        var k = 0;
        for (var ry = 0; ry < 5; ry++)
        {
            for (var rx = 0; rx < 5; rx++)
            {
                index[ry * 5 + rx] = IsCorner(rx, ry) ? -1 : k++;
            }
        }

        return index;
    }

    private static (double U, double V)[] BuildCenters()
    {
        var centers = new (double U, double V)[DetectorCount];
        for (var d = 0; d < DetectorCount; d++)
        {
            var (rx, ry) = RaftPosition(d / 9);
            var sensor = d % 9;
            var sx = sensor % 3;
            var sy = sensor / 3;
            centers[d] = (((rx - 2) * RaftPitchArcsec) + ((sx - 1) * SensorPitchArcsec), ((ry - 2) * RaftPitchArcsec) + ((sy - 1) * SensorPitchArcsec));
        }

        return centers;
    }
}
