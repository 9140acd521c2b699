namespace Apdb.Serve.Adql;

/// <summary>The kinds of join the service translates.</summary>
public enum JoinKind
{
    /// <summary><c>[INNER] JOIN ... ON</c>.</summary>
    Inner,

    /// <summary><c>LEFT [OUTER] JOIN ... ON</c>.</summary>
    Left,

    /// <summary><c>RIGHT [OUTER] JOIN ... ON</c>.</summary>
    Right,

    /// <summary><c>FULL [OUTER] JOIN ... ON</c>.</summary>
    Full,

    /// <summary><c>CROSS JOIN</c> or a comma in FROM.</summary>
    Cross,
}
