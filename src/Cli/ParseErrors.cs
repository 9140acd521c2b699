using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Apdb.Sky;

namespace Apdb.Cli;

/// <summary>
/// Reports a command line that does not parse as one line on stderr naming the option and the form it expects, exit 1,
/// instead of System.CommandLine's messages (which name .NET types) followed by the whole help.
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>Writes the first parse error of <paramref name="parse"/> and returns the user-error exit code.</summary>
    public static int Report(ParseResult parse)
    {
        // An unknown word explains the rest ("no command given" follows from it): it is reported first.
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var command = string.Join(' ', CommandPath(parse.CommandResult));
        var message = Describe(error, parse);
        return CommandRunner.Fail(command.Length > 0 ? $"{command}: {message}" : message, parse.Tokens.Any(t => t.Value == GlobalOptions.Json.Name));
    }

    private static string Describe(ParseError error, ParseResult parse)
    {
        if (TypeMismatch().Match(error.Message) is { Success: true } m)
        {
            return $"{m.Groups["option"].Value}: {UserText.Quote(m.Groups["value"].Value)} is not {Expected(m.Groups["type"].Value)}";
        }

        if (error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal))
        {
            return "no command given: `apdb --help` lists the commands";
        }

        if (parse.CommandResult.Command is not RootCommand || !error.Message.StartsWith("Unrecognized", StringComparison.Ordinal))
        {
            return error.Message.TrimEnd('.') + " (see --help)";
        }

        return error.Message.TrimEnd('.') + ": `apdb --help` lists the commands";
    }

    /// <summary>The expected form of a value, in words, for the .NET type System.CommandLine names.</summary>
    private static string Expected(string type) => NullableOf().Match(type) is { Success: true } n ? Expected(n.Groups[1].Value) : type switch
    {
        "System.Int16" or "System.Int32" or "System.Int64" => "an integer",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        _ => "a valid value",
    };

    private static IEnumerable<string> CommandPath(CommandResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as CommandResult)
        {
            names.Push(r.Command.Name);
        }

        return names;
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex TypeMismatch();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();
}
