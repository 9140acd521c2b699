using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// Where the 189 detectors of one visit fall on the sky, and the detector and pixel of a sky position. Each detector
/// is a <see cref="DetectorFootprint"/>: a square in the tangent plane at its own centre, rotated so that its +y axis
/// follows the camera's +y axis there. Pixel coordinates are 0-based with pixel centres on integers.
/// </summary>
public sealed class VisitGeometry
{
    private const double HalfPixels = (CameraLayout.DetectorPixels - 1) / 2.0;
    private readonly TangentFrame _boresight;
    private readonly double _cos;
    private readonly double _sin;
    private readonly TangentFrame[] _detectors = new TangentFrame[CameraLayout.DetectorCount];
    private readonly double[] _detCos = new double[CameraLayout.DetectorCount];
    private readonly double[] _detSin = new double[CameraLayout.DetectorCount];
    private readonly double[] _detRotationDeg = new double[CameraLayout.DetectorCount];
    private readonly SkyPosition[] _detCenter = new SkyPosition[CameraLayout.DetectorCount];

    /// <summary>Lays the camera out on the sky.</summary>
    /// <param name="boresight">The pointing (focal-plane centre).</param>
    /// <param name="rotationDeg">Position angle of the camera +y axis at the boresight, east of north.</param>
    public VisitGeometry(SkyPosition boresight, double rotationDeg)
    {
        Boresight = boresight;
        RotationDeg = rotationDeg;
        _boresight = new TangentFrame(boresight);
        (_sin, _cos) = Math.SinCos(rotationDeg * (Math.PI / 180.0));
        for (var d = 0; d < CameraLayout.DetectorCount; d++)
        {
            var (u, v) = CameraLayout.Center(d);
            var center = ToSky(u, v);
            var frame = new TangentFrame(center.ToSkyPosition());
            var up = ToSky(u, v + 100.0);
            frame.Project(up.X, up.Y, up.Z, out var dxi, out var deta);
            var rho = Math.Atan2(dxi, deta);
            _detectors[d] = frame;
            (_detSin[d], _detCos[d]) = Math.SinCos(rho);
            _detRotationDeg[d] = rho * (180.0 / Math.PI);
            _detCenter[d] = center.ToSkyPosition();
        }
    }

    /// <summary>The pointing.</summary>
    public SkyPosition Boresight { get; }

    /// <summary>The camera rotation (position angle of +y, east of north), degrees.</summary>
    public double RotationDeg { get; }

    /// <summary>The footprint of one detector, for region queries and the image simulator.</summary>
    public DetectorFootprint Footprint(int detector) =>
        new(_detCenter[detector], _detRotationDeg[detector], CameraLayout.DetectorSideArcsec, CameraLayout.DetectorSideArcsec);

    /// <summary>The sky position of a detector's pixel (0-based, pixel centres on integers).</summary>
    public SkyPosition PixelToSky(int detector, double x, double y)
    {
        var u = (x - HalfPixels) * CameraLayout.PixelScaleArcsec;
        var v = (y - HalfPixels) * CameraLayout.PixelScaleArcsec;
        var c = _detCos[detector];
        var s = _detSin[detector];
        return _detectors[detector].Unproject(u * c + v * s, -u * s + v * c).ToSkyPosition();
    }

    /// <summary>The detector and pixel of a sky position, or false when it falls off the detectors (gaps included).</summary>
    public bool TryLocate(SkyPosition p, out int detector, out double x, out double y)
    {
        var v = p.ToUnitVector();
        return TryLocate(v.X, v.Y, v.Z, out detector, out x, out y);
    }

    /// <summary>The detector and pixel of a unit vector, or false when it falls off the detectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLocate(double px, double py, double pz, out int detector, out double x, out double y)
    {
        x = y = 0;
        detector = -1;
        if (!_boresight.Project(px, py, pz, out var xi, out var eta))
        {
            return false;
        }

        var d = CameraLayout.Nearest(xi * _cos - eta * _sin, xi * _sin + eta * _cos);
        if (d < 0 || !_detectors[d].Project(px, py, pz, out var dxi, out var deta))
        {
            return false;
        }

        var c = _detCos[d];
        var s = _detSin[d];
        x = (dxi * c - deta * s) / CameraLayout.PixelScaleArcsec + HalfPixels;
        y = (dxi * s + deta * c) / CameraLayout.PixelScaleArcsec + HalfPixels;
        if (!(x >= -0.5 && x < CameraLayout.DetectorPixels - 0.5 && y >= -0.5 && y < CameraLayout.DetectorPixels - 0.5))
        {
            return false;
        }

        detector = d;
        return true;
    }

    private UnitVector ToSky(double u, double v) => _boresight.Unproject(u * _cos + v * _sin, -u * _sin + v * _cos);
}
