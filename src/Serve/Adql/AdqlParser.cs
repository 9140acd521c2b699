using System.Globalization;

namespace Apdb.Serve.Adql;

/// <summary>
/// A recursive-descent parser for the ADQL 2.0 query specification this service translates: one SELECT with
/// DISTINCT, TOP, expressions and aliases, FROM with joins, WHERE, GROUP BY, HAVING and ORDER BY. Anything else
/// (another statement, a subquery, a set operation) is refused with the place it starts.
/// </summary>
public sealed partial class AdqlParser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "ILIKE",
        "IS", "NULL", "AS", "JOIN", "ON", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL", "USING", "TOP",
        "DISTINCT", "ASC", "DESC", "UNION", "INTERSECT", "EXCEPT", "ALL", "OFFSET", "LIMIT",
    };

    private readonly string _query;
    private readonly IReadOnlyList<AdqlToken> _tokens;
    private int _next;

    private AdqlParser(string query)
    {
        _query = query;
        _tokens = AdqlLexer.Tokenize(query);
    }

    private AdqlToken Current => _tokens[_next];

    /// <summary>Parses one ADQL query (an optional trailing semicolon is allowed, nothing after it).</summary>
    /// <exception cref="AdqlException">The text is not a query this service accepts; the message gives line and column.</exception>
    public static SelectStatement Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parser = new AdqlParser(query);
        return parser.ParseQuery();
    }

    private SelectStatement ParseQuery()
    {
        if (Current.Kind == AdqlTokenKind.End)
        {
            throw Error("the query is empty");
        }

        if (!Current.IsKeyword("SELECT"))
        {
            throw Error($"only SELECT queries are accepted; {Current.Describe()} does not start a query");
        }

        var statement = ParseSelect();
        if (Current.IsKeyword("UNION") || Current.IsKeyword("INTERSECT") || Current.IsKeyword("EXCEPT"))
        {
            throw Error($"{Current.Text.ToUpperInvariant()} is not supported: send one SELECT at a time");
        }

        if (Current.IsSymbol(";"))
        {
            Advance();
            if (Current.Kind != AdqlTokenKind.End)
            {
                throw Error("only one query is allowed: nothing may follow ';'");
            }
        }

        if (Current.Kind != AdqlTokenKind.End)
        {
            throw Error($"unexpected {Current.Describe()} after the end of the query");
        }

        return statement;
    }

    private SelectStatement ParseSelect()
    {
        Expect("SELECT");
        var distinct = false;
        if (AcceptKeyword("ALL"))
        {
            distinct = false;
        }
        else if (AcceptKeyword("DISTINCT"))
        {
            distinct = true;
        }

        long? top = AcceptKeyword("TOP") ? ParseTop() : null;
        var items = ParseSelectList();
        Expect("FROM");
        var (from, joins) = ParseFrom();
        var where = AcceptKeyword("WHERE") ? ParseCondition() : null;
        var groupBy = new List<AdqlExpression>();
        if (AcceptKeyword("GROUP"))
        {
            Expect("BY");
            do
            {
                groupBy.Add(ParseAdditive());
            }
            while (AcceptSymbol(","));
        }

        var having = AcceptKeyword("HAVING") ? ParseCondition() : null;
        var orderBy = new List<OrderItem>();
        if (AcceptKeyword("ORDER"))
        {
            Expect("BY");
            do
            {
                var key = ParseAdditive();
                var descending = AcceptKeyword("DESC");
                if (!descending)
                {
                    AcceptKeyword("ASC");
                }

                orderBy.Add(new OrderItem(key, descending));
            }
            while (AcceptSymbol(","));
        }

        if (Current.IsKeyword("LIMIT") || Current.IsKeyword("OFFSET"))
        {
            throw Error($"{Current.Text.ToUpperInvariant()} is not ADQL 2.0: use SELECT TOP n (and MAXREC)");
        }

        return new SelectStatement(distinct, top, items, from, joins, where, groupBy, having, orderBy);
    }

    private long ParseTop()
    {
        var token = Current;
        if (token.Kind != AdqlTokenKind.Number || !long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var top))
        {
            throw Error($"TOP needs a whole number of rows, not {token.Describe()}");
        }

        Advance();
        return top;
    }

    private List<SelectItem> ParseSelectList()
    {
        var items = new List<SelectItem>();
        do
        {
            var position = Current.Position;
            if (AcceptSymbol("*"))
            {
                items.Add(new SelectItem(new AllColumns(null, position), null));
                continue;
            }

            if (IsIdentifierStart(Current) && _tokens[_next + 1].IsSymbol(".") && _tokens[_next + 2].IsSymbol("*"))
            {
                var qualifier = ReadIdentifier("a table name");
                _next += 2;
                items.Add(new SelectItem(new AllColumns(qualifier, position), null));
                continue;
            }

            var expression = ParseCondition();
            Identifier? alias = null;
            if (AcceptKeyword("AS"))
            {
                alias = ReadIdentifier("an alias after AS");
            }
            else if (IsIdentifierStart(Current))
            {
                alias = ReadIdentifier("an alias");
            }

            items.Add(new SelectItem(expression, alias));
        }
        while (AcceptSymbol(","));
        return items;
    }

    private (TableReference From, List<JoinClause> Joins) ParseFrom()
    {
        var from = ParseTableReference();
        var joins = new List<JoinClause>();
        while (true)
        {
            if (AcceptSymbol(","))
            {
                joins.Add(new JoinClause(JoinKind.Cross, ParseTableReference(), null));
                continue;
            }

            if (Current.IsKeyword("NATURAL"))
            {
                throw Error("NATURAL JOIN is not supported: use JOIN ... ON");
            }

            JoinKind? kind = null;
            if (AcceptKeyword("INNER"))
            {
                kind = JoinKind.Inner;
            }
            else if (AcceptKeyword("CROSS"))
            {
                kind = JoinKind.Cross;
            }
            else if (Current.IsKeyword("LEFT") || Current.IsKeyword("RIGHT") || Current.IsKeyword("FULL"))
            {
                kind = Current.Text.ToUpperInvariant() switch { "LEFT" => JoinKind.Left, "RIGHT" => JoinKind.Right, _ => JoinKind.Full };
                Advance();
                AcceptKeyword("OUTER");
            }

            if (!Current.IsKeyword("JOIN"))
            {
                if (kind is not null)
                {
                    throw Error($"expected JOIN, found {Current.Describe()}");
                }

                return (from, joins);
            }

            Advance();
            var table = ParseTableReference();
            kind ??= JoinKind.Inner;
            AdqlExpression? on = null;
            if (kind != JoinKind.Cross)
            {
                if (Current.IsKeyword("USING"))
                {
                    throw Error("JOIN ... USING is not supported: use JOIN ... ON");
                }

                Expect("ON");
                on = ParseCondition();
            }

            joins.Add(new JoinClause(kind.Value, table, on));
        }
    }

    private TableReference ParseTableReference()
    {
        var position = Current.Position;
        if (Current.IsSymbol("("))
        {
            throw Error("subqueries are not supported: name a table");
        }

        var first = ReadIdentifier("a table name");
        Identifier? schema = null;
        var name = first;
        if (AcceptSymbol("."))
        {
            schema = first;
            name = ReadIdentifier("a table name after the schema");
        }

        Identifier? alias = null;
        if (AcceptKeyword("AS"))
        {
            alias = ReadIdentifier("an alias after AS");
        }
        else if (IsIdentifierStart(Current))
        {
            alias = ReadIdentifier("an alias");
        }

        return new TableReference(schema, name, alias, position);
    }
}
