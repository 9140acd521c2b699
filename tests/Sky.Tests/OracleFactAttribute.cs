namespace Apdb.Sky.Tests;

/// <summary>A fact that needs the healpy oracle: skipped when it is missing, unless APDB_REQUIRE_ORACLES=1.</summary>
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
