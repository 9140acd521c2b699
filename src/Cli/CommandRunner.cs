using System.CommandLine;
using Apdb.Association;
using Apdb.Sky;
using Npgsql;

namespace Apdb.Cli;

/// <summary>
/// Runs a command body with the exit-code contract: 0 success, 1 user error (one line on stderr, nothing written),
/// 2 internal error, 130 cancelled by Ctrl-C.
/// </summary>
internal static class CommandRunner
{
    public const int Success = 0;
    public const int UserError = 1;
    public const int InternalError = 2;

    /// <summary>Interrupted by Ctrl-C (SIGINT): 128 + 2, what a shell reports for a command the signal ended.</summary>
    public const int Cancelled = 130;

    /// <summary>Whether the running command was given --json: its errors are then JSON objects on stderr too.</summary>
    private static readonly AsyncLocal<bool> JsonErrors = new();

    public static void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var context = new CliContext(parse);
            JsonErrors.Value = context.Json;
            try
            {
                return await body(parse, context, cancellationToken);
            }
            catch (ApdbUserException ex)
            {
                return Fail(ex.Message);
            }
            catch (AssociationInputException ex)
            {
                return Fail(ex.Message);
            }
            catch (Apdb.Imaging.FitsException ex)
            {
                return Fail(ex.Message);
            }
            catch (Apdb.Sky.CsvInputException ex)
            {
                return Fail(ex.Message);
            }
            catch (ArgumentException ex)
            {
                // The library's message names the value; the "(Parameter 'x')" suffix .NET appends adds nothing for a user.
                return Fail(ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Report("cancelled", Cancelled, context.Json);
            }
            catch (NpgsqlException ex) when (ex is not PostgresException && context.ConnectionString is { } cs)
            {
                return Fail(ApdbConnector.Explain(cs, ex).Message);
            }
            catch (Exception ex)
            {
                // A library's message may quote a connection string: never its password.
                var message = context.ExternalDb is { } db ? ApdbConnector.Scrub(ex.Message, db) : ex.Message;
                Report($"internal error: {ex.GetType().Name}: {message}", InternalError, context.Json);
                if (Environment.GetEnvironmentVariable("APDB_DEBUG") == "1")
                {
                    Console.Error.WriteLine(ex);
                }

                return InternalError;
            }
        });
    }

    public static int Fail(string message) => Report(message, UserError, JsonErrors.Value);

    /// <summary>A user error: one line on stderr, or with <paramref name="json"/> one JSON object <c>{"error":..,"code":1}</c>.</summary>
    public static int Fail(string message, bool json) => Report(message, UserError, json);

    private static int Report(string message, int code, bool json)
    {
        // Parts of a message may come from input (paths, cells): no control character reaches the terminal raw.
        var line = UserText.EscapeControl(FirstLine(message));
        Console.Error.WriteLine(json
            ? System.Text.Json.JsonSerializer.Serialize(new ErrorJson(line, code), ErrorJson.Options)
            : $"apdb: {line}");
        return code;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
