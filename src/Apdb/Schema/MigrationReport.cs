namespace Apdb.Schema;

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did.</summary>
/// <param name="Applied">Migrations applied by this call (empty when the schema was current).</param>
/// <param name="Version">The schema's migration number afterwards.</param>
/// <param name="Dropped">Whether the schema was dropped first.</param>
/// <param name="Roles">The owner, writer and reader roles: created, granted, or skipped and why.</param>
public sealed record MigrationReport(IReadOnlyList<string> Applied, int Version, bool Dropped, RoleReport Roles);
