using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>Six floats, one per band (u g r i z y), stored inline in a row struct.</summary>
[InlineArray(Bands.Count)]
public struct BandFloats
{
    private float _element0;
}

/// <summary>Six integers, one per band (u g r i z y), stored inline in a row struct.</summary>
[InlineArray(Bands.Count)]
public struct BandInts
{
    private int _element0;
}
