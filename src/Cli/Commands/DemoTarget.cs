using Apdb.History;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>
/// What <c>demo</c> runs against: one server, or a sharded APDB (<see cref="ShardedCommands"/>). The steps are the
/// same; where the schema, the history and the rows go differs.
/// </summary>
/// <param name="Description">The line that says which database it is.</param>
/// <param name="MigrateAsync">Creates or upgrades the schema.</param>
/// <param name="Metadata">A server whose <c>metadata</c> records the loaded history.</param>
/// <param name="LoadHistoryAsync">Loads the demo history: (seed, replace) to its summary.</param>
/// <param name="Apdb">The APDB the pipeline stores into.</param>
/// <param name="Sql">Where the example queries run (the server, or the coordinator); null when there is none.</param>
internal sealed record DemoTarget(
    string Description,
    Func<CancellationToken, Task> MigrateAsync,
    NpgsqlDataSource Metadata,
    Func<long, bool, CancellationToken, Task<HistoryLoadSummary>> LoadHistoryAsync,
    IApdb Apdb,
    NpgsqlDataSource? Sql);
