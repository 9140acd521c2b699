using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>Moving objects: straight tracks in the region's tangent plane (arcsec, arcsec/day).</summary>
internal sealed class MovingSet(int count)
{
    public double[] X0 { get; } = new double[count];

    public double[] Y0 { get; } = new double[count];

    public double[] Vx { get; } = new double[count];

    public double[] Vy { get; } = new double[count];

    public double[] T0 { get; } = new double[count];

    public double[] FluxByBand { get; } = new double[count * Bands.Count];

    public double RadiusArcsec { get; set; }

    public int Count => X0.Length;

    public double Flux(int i, int band) => FluxByBand[i * Bands.Count + band];

    /// <summary>Position at a time; Inside says whether it is in the region then.</summary>
    public (double Ra, double Dec, bool Inside, double SpeedArcsecPerDay, double AngleDeg) Position(TangentFrame frame, int i, double mjd)
    {
        var dt = mjd - T0[i];
        var a = X0[i] + Vx[i] * dt;
        var b = Y0[i] + Vy[i] * dt;
        var inside = dt >= 0 && a * a + b * b < RadiusArcsec * RadiusArcsec;
        var (ra, dec) = frame.UnprojectRaDec(a, b);
        var speed = Math.Sqrt(Vx[i] * Vx[i] + Vy[i] * Vy[i]);
        return (ra, dec, inside, speed, Math.Atan2(Vx[i], Vy[i]) * (180.0 / Math.PI));
    }
}
