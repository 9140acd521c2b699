namespace Apdb.TestSupport;

/// <summary>A fact that needs python3 with astropy: skipped when missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute()
    {
        if (!Oracle.Required && Oracle.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs fitsverify and astropy: skipped when missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class FitsverifyFactAttribute : FactAttribute
{
    public FitsverifyFactAttribute()
    {
        if (!Oracle.Required && (Oracle.FitsverifyUnavailable ?? Oracle.Unavailable) is { } reason)
        {
            Skip = reason;
        }
    }
}
