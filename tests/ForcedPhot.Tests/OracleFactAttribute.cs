namespace Apdb.ForcedPhot.Tests;

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
