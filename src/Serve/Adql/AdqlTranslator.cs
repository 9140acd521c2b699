using System.Globalization;
using System.Text;
using Apdb.Serve.Catalog;

namespace Apdb.Serve.Adql;

/// <summary>
/// Translates a parsed ADQL query into one PostgreSQL SELECT: every table and column is checked against the
/// catalog and emitted quoted under a generated alias, every function against a list of known ones, every literal
/// escaped. A cone (CONTAINS of a table's POINT in a constant CIRCLE, or DISTANCE below a constant, as a top-level
/// condition of WHERE) reads that table through its pixelId B-tree the way <c>dia_objects_in_cone</c> does.
/// </summary>
public sealed partial class AdqlTranslator
{
    /// <summary>The longest ADQL text accepted.</summary>
    public const int MaxQueryLength = 100_000;

    private readonly TapCatalog _catalog;
    private readonly SelectStatement _query;
    private readonly List<Scope> _scope = [];
    private readonly List<string> _outputNames = [];

    private AdqlTranslator(TapCatalog catalog, SelectStatement query)
    {
        _catalog = catalog;
        _query = query;
    }

    private sealed record Scope(TableReference Reference, TapTable Table, string Alias)
    {
        public Cone? Cone { get; set; }
    }

    private sealed record Cone(double Ra, double Dec, double Radius);

    /// <summary>Parses and translates <paramref name="adql"/>, fetching at most <paramref name="limit"/> rows.</summary>
    /// <exception cref="AdqlException">Not valid ADQL, or a table, column or function the service does not have.</exception>
    public static TranslatedQuery Translate(TapCatalog catalog, string adql, long limit)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(adql);
        if (adql.Length > MaxQueryLength)
        {
            throw new AdqlException($"the query is {adql.Length} characters long; this service takes at most {MaxQueryLength}");
        }

        try
        {
            var query = AdqlParser.Parse(adql);
            return new AdqlTranslator(catalog, query).Emit(limit);
        }
        catch (InsufficientExecutionStackException ex)
        {
            // A hostile nesting (thousands of parentheses, NOTs or signs) must not take the process down with it.
            throw new AdqlException("the query is nested too deeply to translate", ex);
        }
    }

    private TranslatedQuery Emit(long limit)
    {
        ResolveTables();
        FindCones();
        var sql = new StringBuilder("SELECT ");
        if (_query.Distinct)
        {
            sql.Append("DISTINCT ");
        }

        var fields = EmitSelectList(sql);
        sql.Append(" FROM ").Append(FromItem(_scope[0]));
        for (var i = 0; i < _query.Joins.Count; i++)
        {
            var join = _query.Joins[i];
            sql.Append(join.Kind switch
            {
                JoinKind.Inner => " JOIN ",
                JoinKind.Left => " LEFT JOIN ",
                JoinKind.Right => " RIGHT JOIN ",
                JoinKind.Full => " FULL JOIN ",
                _ => " CROSS JOIN ",
            }).Append(FromItem(_scope[i + 1]));
            if (join.On is not null)
            {
                sql.Append(" ON ").Append(Condition(join.On));
            }
        }

        if (_query.Where is not null)
        {
            sql.Append(" WHERE ").Append(Condition(_query.Where));
        }

        if (_query.GroupBy.Count > 0)
        {
            sql.Append(" GROUP BY ").Append(string.Join(", ", _query.GroupBy.Select(g => OrderOrGroupKey(g))));
        }

        if (_query.Having is not null)
        {
            sql.Append(" HAVING ").Append(Condition(_query.Having));
        }

        if (_query.OrderBy.Count > 0)
        {
            sql.Append(" ORDER BY ").Append(string.Join(", ", _query.OrderBy.Select(o => OrderOrGroupKey(o.Expression) + (o.Descending ? " DESC" : " ASC"))));
        }

        var rows = _query.Top is { } top ? Math.Min(top, limit) : limit;
        sql.Append(CultureInfo.InvariantCulture, $" LIMIT {Math.Max(rows, 0)}");
        return new TranslatedQuery(sql.ToString(), fields, _query.Top, _scope.Count(s => s.Cone is not null));
    }

    private void ResolveTables()
    {
        var references = new List<TableReference> { _query.From };
        references.AddRange(_query.Joins.Select(j => j.Table));
        foreach (var reference in references)
        {
            var table = _catalog.Find(reference.Schema, reference.Name)
                ?? throw new AdqlException($"unknown table {(reference.Schema is { } s ? $"{s}." : string.Empty)}{reference.Name}: see /tap/tables (e.g. DiaObjectLast, DiaSource, DiaForcedSource, DiaObject)");
            var exposed = reference.Alias?.Text ?? Bare(table.Name);
            if (_scope.Any(s => string.Equals(s.Reference.Alias?.Text ?? Bare(s.Table.Name), exposed, StringComparison.OrdinalIgnoreCase)))
            {
                throw new AdqlException($"table name or alias '{exposed}' is used twice in FROM: give each an alias of its own");
            }

            _scope.Add(new Scope(reference, table, $"t{_scope.Count}"));
        }
    }

    private static string Bare(string tableName) =>
        tableName.StartsWith(TapCatalog.TapSchema + ".", StringComparison.Ordinal) ? tableName[(TapCatalog.TapSchema.Length + 1)..] : tableName;

    private static string FromItem(Scope scope)
    {
        if (scope.Cone is not { } cone)
        {
            return $"{scope.Table.SqlSource} AS {scope.Alias}";
        }

        // Each pixel range is its own index probe: OFFSET 0 keeps the planner from flattening the LATERAL subquery
        // and pushing the range tests into one scan of the whole table (the shape of sql/functions' cone functions).
        var ranges = $"healpix_cone_ranges({SqlText.Double(cone.Ra)}, {SqlText.Double(cone.Dec)}, {SqlText.Double(cone.Radius)})";
        return $"(SELECT x.* FROM {ranges} AS r CROSS JOIN LATERAL (SELECT * FROM {scope.Table.SqlSource} AS p "
            + "WHERE p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi OFFSET 0) AS x) AS " + scope.Alias;
    }

    private List<ResultField> EmitSelectList(StringBuilder sql)
    {
        var fields = new List<ResultField>();
        var parts = new List<string>();
        foreach (var item in _query.Items)
        {
            if (item.Expression is AllColumns all)
            {
                var scopes = all.Qualifier is { } q ? [FindScope(q, all.Position)] : _scope;
                foreach (var scope in scopes)
                {
                    foreach (var column in scope.Table.Columns)
                    {
                        parts.Add($"{scope.Alias}.{SqlText.Identifier(column.Name)} AS {SqlText.Identifier(Unique(column.Name))}");
                        fields.Add(new ResultField(_outputNames[^1], column));
                    }
                }

                continue;
            }

            var expression = Value(item.Expression);
            var metadata = item.Expression is ColumnReference reference ? ResolveColumn(reference).Column : null;
            var name = Unique(item.Alias?.Text ?? metadata?.Name ?? DefaultName(item.Expression, fields.Count));
            parts.Add($"{expression} AS {SqlText.Identifier(name)}");
            fields.Add(new ResultField(name, metadata));
        }

        sql.Append(string.Join(", ", parts));
        return fields;
    }

    private static string DefaultName(AdqlExpression expression, int index) => expression switch
    {
        FunctionCall f => f.Name.ToLowerInvariant(),
        _ => $"col{index + 1}",
    };

    private string Unique(string name)
    {
        var candidate = name;
        for (var n = 2; _outputNames.Contains(candidate, StringComparer.OrdinalIgnoreCase); n++)
        {
            candidate = $"{name}_{n}";
        }

        _outputNames.Add(candidate);
        return candidate;
    }

    private string OrderOrGroupKey(AdqlExpression key)
    {
        if (key is NumberLiteral number)
        {
            if (!int.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1 || position > _outputNames.Count)
            {
                throw new AdqlException($"ORDER BY {number.Text}: a position must be between 1 and {_outputNames.Count}, the number of selected columns");
            }

            return number.Text;
        }

        // An unqualified name that is not a column of any table may be an output column's alias.
        if (key is ColumnReference { Qualifier: null } reference && !_scope.Any(s => s.Table.Find(reference.Name) is not null))
        {
            var alias = _outputNames.FirstOrDefault(reference.Name.Matches);
            if (alias is not null)
            {
                return SqlText.Identifier(alias);
            }
        }

        return Value(key);
    }
}
