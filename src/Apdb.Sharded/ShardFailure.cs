using System.Net.Sockets;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>Recognises a server that cannot be reached or has gone away, and says which one in a one-line error.</summary>
internal static class ShardFailure
{
    /// <summary>Whether the failure means the server is down, unreachable, restarting or refusing connections.</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.ConnectionException
            or PostgresErrorCodes.ObjectNotInPrerequisiteState && pg.MessageText.Contains("not currently accepting connections", StringComparison.Ordinal),
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException npgsql when npgsql.IsTransient => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>The user error for an unavailable server.</summary>
    public static ApdbUserException Unavailable(string name, Exception ex) =>
        new($"{name} is unavailable: {FirstLine(ex is PostgresException pg ? pg.MessageText : ex.InnerException?.Message ?? ex.Message)}", ex);

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
