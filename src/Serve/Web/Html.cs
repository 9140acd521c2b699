using System.Globalization;
using System.Text.Encodings.Web;

namespace Apdb.Serve.Web;

/// <summary>HTML helpers: encoding and the page frame shared by every page.</summary>
public static class Html
{
    /// <summary>Text safe inside HTML content and attribute values.</summary>
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>A number for a table cell (invariant culture, a few significant digits).</summary>
    public static string Number(object? value, string format = "G8") => value switch
    {
        null => string.Empty,
        double d => d.ToString(format, CultureInfo.InvariantCulture),
        float f => f.ToString(format, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Encode(value.ToString()),
    };

    /// <summary>A whole page around <paramref name="body"/>.</summary>
    public static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{Encode(title)}} - apdb</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1100px;color:#222}
        nav a{margin-right:1em} table{border-collapse:collapse;font-size:90%} td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
        th{cursor:pointer;background:#f4f4f4;position:sticky;top:0} th.sorted-asc::after{content:" \25B2"} th.sorted-desc::after{content:" \25BC"}
        .error{color:#a00} svg.lightcurve{display:block;margin:0.5em 0;border:1px solid #eee} .tick,.label{font-size:11px;fill:#444} .title{font-size:13px}
        form label{margin-right:1em} input{width:8em}
        </style></head>
        <body><nav><a href="/">Cone search</a><a href="/report">Latest run</a><a href="/tap/capabilities">TAP</a></nav>
        <h1>{{Encode(title)}}</h1>
        {{body}}
        <script>
        // Click a column header to sort the table by it (numbers numerically, the rest as text).
        for (const th of document.querySelectorAll('table.sortable th')) {
          th.addEventListener('click', () => {
            const table = th.closest('table'), body = table.tBodies[0], index = [...th.parentNode.children].indexOf(th);
            const asc = !th.classList.contains('sorted-asc');
            for (const other of th.parentNode.children) other.classList.remove('sorted-asc', 'sorted-desc');
            th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
            const key = tr => { const t = tr.children[index].dataset.value ?? tr.children[index].textContent; const n = parseFloat(t); return isNaN(n) ? t : n; };
            const rows = [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
            body.append(...rows);
          });
        }
        </script>
        </body></html>
        """;
}
