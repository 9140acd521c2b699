using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// The gnomonic projection of <see cref="TangentPlane"/> with the same formulas, as a struct with no allocation per
/// call: the hot loops project millions of positions.
/// </summary>
internal readonly struct TangentFrame
{
    public readonly double Cx, Cy, Cz, Ex, Ey, Ez, Nx, Ny, Nz;

    public TangentFrame(SkyPosition center)
    {
        var (sinRa, cosRa) = Math.SinCos(center.RaRad);
        var (sinDec, cosDec) = Math.SinCos(center.DecRad);
        var c = center.ToUnitVector();
        Cx = c.X;
        Cy = c.Y;
        Cz = c.Z;
        Ex = -sinRa;
        Ey = cosRa;
        Ez = 0.0;
        Nx = -sinDec * cosRa;
        Ny = -sinDec * sinRa;
        Nz = cosDec;
    }

    /// <summary>Standard coordinates (arcsec) of a unit vector; false when it is not in the front hemisphere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Project(double x, double y, double z, out double xi, out double eta)
    {
        var d = x * Cx + y * Cy + z * Cz;
        if (!(d > 1e-12))
        {
            xi = eta = 0;
            return false;
        }

        var scale = 1.0 / (d * AstroConstants.RadiansPerArcsecond);
        xi = (x * Ex + y * Ey + z * Ez) * scale;
        eta = (x * Nx + y * Ny + z * Nz) * scale;
        return true;
    }

    /// <summary>The unit vector of standard coordinates (arcsec).</summary>
    public UnitVector Unproject(double xiArcsec, double etaArcsec)
    {
        var a = xiArcsec * AstroConstants.RadiansPerArcsecond;
        var b = etaArcsec * AstroConstants.RadiansPerArcsecond;
        var x = Cx + Ex * a + Nx * b;
        var y = Cy + Ey * a + Ny * b;
        var z = Cz + Ez * a + Nz * b;
        return UnitVector.FromComponents(x, y, z);
    }

    /// <summary>ra, dec (degrees) of standard coordinates (arcsec).</summary>
    public (double Ra, double Dec) UnprojectRaDec(double xiArcsec, double etaArcsec)
    {
        var v = Unproject(xiArcsec, etaArcsec);
        return SkyPosition.RaDecOf(v.X, v.Y, v.Z);
    }
}
