namespace Apdb.Schema;

/// <summary>The three database roles <c>apdb init</c> creates for one APDB database (see <see cref="ApdbRoles"/>).</summary>
public enum ApdbRole
{
    /// <summary>Owns the tables, partitions and functions; migrations run as it. Cannot log in.</summary>
    Owner,

    /// <summary>The pipeline's role: reads and changes rows, creates staging tables and partitions; cannot change the schema.</summary>
    Writer,

    /// <summary>Reads the tables and calls the SQL functions; nothing else.</summary>
    Reader,
}
