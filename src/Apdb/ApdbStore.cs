using Apdb.Sky;
using Dapper;
using Npgsql;

namespace Apdb;

/// <summary>
/// The APDB read/write API with Rubin's semantics (dax_apdb): region and id reads of the latest DiaObjects and of the
/// last 12 months of DiaSources and DiaForcedSources; one transactional store per detector-visit. Thread-safe: each
/// call takes its own pooled connection.
/// </summary>
public sealed partial class ApdbStore : IApdb
{
    /// <summary>Rubin's month: 30 days.</summary>
    public const double DaysPerMonth = 30.0;

    private readonly NpgsqlDataSource _dataSource;

    static ApdbStore()
    {
        // Rubin's column names have underscores (ra_dec_Cov, u_psfFluxMean); the C# properties do not.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    /// <summary>Creates the store over a data source whose database holds the APDB schema (see <see cref="Schema.SchemaMigrator"/>).</summary>
    public ApdbStore(NpgsqlDataSource dataSource)
    {
        Preconditions.NotNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>The data source the store uses.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Whether the detector-visit has been stored (its store committed).</summary>
    public async Task<bool> ContainsVisitDetectorAsync(DetectorVisit detectorVisit, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var found = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT 1 FROM apdb_visit_detector WHERE visit = @visit AND detector = @detector",
            new { visit = detectorVisit.Visit, detector = detectorVisit.Detector },
            cancellationToken: cancellationToken));
        return found.HasValue;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(Quote));
}
