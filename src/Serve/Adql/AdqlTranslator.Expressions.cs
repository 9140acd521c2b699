using System.Globalization;
using System.Runtime.CompilerServices;
using Apdb.Serve.Catalog;

namespace Apdb.Serve.Adql;

/// <summary>Value expressions and conditions.</summary>
public sealed partial class AdqlTranslator
{
    private string Condition(AdqlExpression expression) => Value(expression);

    private string Value(AdqlExpression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return ValueOf(expression);
    }

    private string ValueOf(AdqlExpression expression) => expression switch
    {
        NumberLiteral n => Number(n),
        StringLiteral s => SqlText.String(s.Value),
        NullLiteral => "NULL",
        ColumnReference c => ColumnSql(c),
        UnaryExpression { Operator: "NOT" } u => $"(NOT {Value(u.Operand)})",
        UnaryExpression u => $"({u.Operator}{Value(u.Operand)})",
        BinaryExpression b => Binary(b),
        BetweenExpression b => $"({Value(b.Value)}{(b.Negated ? " NOT" : string.Empty)} BETWEEN {Value(b.Low)} AND {Value(b.High)})",
        InExpression i => $"({Value(i.Value)}{(i.Negated ? " NOT" : string.Empty)} IN ({string.Join(", ", i.Items.Select(Value))}))",
        LikeExpression l => $"({Value(l.Value)}{(l.Negated ? " NOT" : string.Empty)} {(l.CaseInsensitive ? "ILIKE" : "LIKE")} {Value(l.Pattern)})",
        IsNullExpression n => $"({Value(n.Value)} IS {(n.Negated ? "NOT " : string.Empty)}NULL)",
        FunctionCall f => Function(f),
        AllColumns a => throw new AdqlException($"'*' is only allowed as a select-list item or in COUNT(*) (at offset {a.Position})"),
        _ => throw new AdqlException($"unsupported expression {expression.GetType().Name}"),
    };

    private static string Number(NumberLiteral n)
    {
        // Integers stay integers (so that TOP-like arithmetic and IN lists of ids keep their type); others are doubles.
        if (long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return n.Text;
        }

        var value = n.Value;
        if (!double.IsFinite(value))
        {
            throw new AdqlException($"number {n.Text} is out of range");
        }

        return SqlText.Double(value);
    }

    private string Binary(BinaryExpression b)
    {
        if (b.Operator is "=" or "<>" && (GeometryPredicate(b.Left, b.Right) ?? GeometryPredicate(b.Right, b.Left)) is { } predicate)
        {
            // CONTAINS(...) = 1 is the condition itself; = 0 (or <> 1) its negation.
            var truth = predicate.Value == 1 ^ b.Operator == "<>";
            var condition = ContainsCondition(predicate.Call);
            return truth ? condition : $"(NOT {condition})";
        }

        if (b.Operator is "=" or "<>" or "<" or ">" or "<=" or ">=")
        {
            return $"({ComparisonOperand(b.Left, b.Right)} {b.Operator} {ComparisonOperand(b.Right, b.Left)})";
        }

        var op = b.Operator;
        return $"({Value(b.Left)} {op} {Value(b.Right)})";
    }

    /// <summary>A boolean column compared with 0 or 1 (how ADQL, which has no boolean type, writes it) compares with false or true.</summary>
    private string ComparisonOperand(AdqlExpression side, AdqlExpression other)
    {
        if (side is NumberLiteral { Text: "0" or "1" } number && other is ColumnReference column && ResolveColumn(column).Column.DataType == "boolean")
        {
            return number.Text == "1" ? "TRUE" : "FALSE";
        }

        return Value(side);
    }

    private string ColumnSql(ColumnReference reference)
    {
        var (scope, column) = ResolveColumn(reference);
        return $"{scope.Alias}.{SqlText.Identifier(column.Name)}";
    }

    private (Scope Scope, TapColumn Column) ResolveColumn(ColumnReference reference)
    {
        if (reference.Qualifier is { } qualifier)
        {
            var scope = FindScope(qualifier, reference.Position);
            var column = scope.Table.Find(reference.Name)
                ?? throw new AdqlException($"unknown column {reference.Name} in table {scope.Table.Name}{Suggest(scope.Table, reference.Name)}");
            return (scope, column);
        }

        (Scope Scope, TapColumn Column)? found = null;
        foreach (var scope in _scope)
        {
            if (scope.Table.Find(reference.Name) is not { } column)
            {
                continue;
            }

            if (found is not null)
            {
                throw new AdqlException($"column {reference.Name} is ambiguous: it is in both {found.Value.Scope.Table.Name} and {scope.Table.Name}; qualify it");
            }

            found = (scope, column);
        }

        return found ?? throw new AdqlException(
            $"unknown column {reference.Name} in {string.Join(", ", _scope.Select(s => s.Table.Name))}{(_scope.Count == 1 ? Suggest(_scope[0].Table, reference.Name) : string.Empty)}");
    }

    private static string Suggest(TapTable table, Identifier name)
    {
        var near = table.Columns.FirstOrDefault(c => string.Equals(c.Name, name.Text, StringComparison.OrdinalIgnoreCase));
        return near is not null && name.Quoted ? $" (did you mean \"{near.Name}\"?)" : string.Empty;
    }

    private Scope FindScope(Identifier qualifier, int position)
    {
        foreach (var scope in _scope)
        {
            if (scope.Reference.Alias is { } alias ? qualifier.Matches(alias.Text) : qualifier.Matches(Bare(scope.Table.Name)))
            {
                return scope;
            }
        }

        throw new AdqlException($"unknown table or alias {qualifier} (offset {position}): it must be named in FROM");
    }
}
