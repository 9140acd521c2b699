namespace Apdb.Sky;

/// <summary>The six LSST filters, in wavelength order.</summary>
public enum Band : byte
{
    /// <summary>u.</summary>
    U = 0,

    /// <summary>g.</summary>
    G = 1,

    /// <summary>r.</summary>
    R = 2,

    /// <summary>i.</summary>
    I = 3,

    /// <summary>z.</summary>
    Z = 4,

    /// <summary>y.</summary>
    Y = 5,
}
