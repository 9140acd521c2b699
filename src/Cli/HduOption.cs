using System.CommandLine;
using System.Globalization;
using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.Cli;

/// <summary>The <c>--hdu</c> option of the image commands: an HDU index (0 = primary) or an extension's EXTNAME.</summary>
internal static class HduOption
{
    public static Option<string?> Create() => new("--hdu")
    {
        Description = "HDU of the image: its index (0 = primary) or its EXTNAME (e.g. IMAGE); default: the first HDU holding a 2-D image",
    };

    /// <summary>The HDU index <paramref name="value"/> names in <paramref name="path"/>, or null for the default.</summary>
    public static int? Resolve(string path, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            return index;
        }

        var infos = FitsFile.ReadHeaders(path);
        var match = infos.FirstOrDefault(i => string.Equals(i.Name?.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase));
        return match?.Index ?? throw new ApdbUserException(
            $"--hdu {UserText.Quote(value)}: {path} has no HDU of that EXTNAME (it has: {string.Join(", ", infos.Select(i => $"{i.Index}{(i.Name is { } n ? "=" + n.Trim() : string.Empty)}"))})");
    }
}
