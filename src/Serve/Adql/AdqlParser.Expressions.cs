using System.Runtime.CompilerServices;

namespace Apdb.Serve.Adql;

/// <summary>Conditions and value expressions, by precedence: OR, AND, NOT, predicates, + - ||, * /, unary signs.</summary>
public sealed partial class AdqlParser
{
    private static readonly string[] Comparisons = ["=", "<>", "<", ">", "<=", ">="];

    private AdqlExpression ParseCondition()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return ParseKeywordChain("OR", ParseAnd);
    }

    private AdqlExpression ParseAnd() => ParseKeywordChain("AND", ParseNot);

    /// <summary>A left-associative chain <c>operand (keyword operand)*</c> of a binary keyword operator (OR, AND).</summary>
    private AdqlExpression ParseKeywordChain(string keyword, Func<AdqlExpression> parseOperand)
    {
        var left = parseOperand();
        while (Current.IsKeyword(keyword))
        {
            var position = Current.Position;
            Advance();
            left = new BinaryExpression(keyword, left, parseOperand(), position);
        }

        return left;
    }

    private AdqlExpression ParseNot()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Current.IsKeyword("NOT"))
        {
            var position = Current.Position;
            Advance();
            return new UnaryExpression("NOT", ParseNot(), position);
        }

        return ParsePredicate();
    }

    private AdqlExpression ParsePredicate()
    {
        var value = ParseAdditive();
        var position = Current.Position;
        foreach (var op in Comparisons)
        {
            if (AcceptSymbol(op))
            {
                return new BinaryExpression(op, value, ParseAdditive(), position);
            }
        }

        if (AcceptKeyword("IS"))
        {
            var negatedNull = AcceptKeyword("NOT");
            Expect("NULL");
            return new IsNullExpression(value, negatedNull, position);
        }

        var negated = AcceptKeyword("NOT");
        if (AcceptKeyword("BETWEEN"))
        {
            var low = ParseAdditive();
            Expect("AND");
            return new BetweenExpression(value, low, ParseAdditive(), negated, position);
        }

        if (AcceptKeyword("IN"))
        {
            return new InExpression(value, ParseInList(), negated, position);
        }

        if (Current.IsKeyword("LIKE") || Current.IsKeyword("ILIKE"))
        {
            var caseInsensitive = Current.IsKeyword("ILIKE");
            Advance();
            return new LikeExpression(value, ParseAdditive(), negated, caseInsensitive, position);
        }

        if (negated)
        {
            throw Error($"expected BETWEEN, IN or LIKE after NOT, found {Current.Describe()}");
        }

        return value;
    }

    private List<AdqlExpression> ParseInList()
    {
        ExpectSymbol("(");
        if (Current.IsKeyword("SELECT"))
        {
            throw Error("subqueries are not supported in IN: list the values");
        }

        var items = new List<AdqlExpression>();
        do
        {
            items.Add(ParseAdditive());
        }
        while (AcceptSymbol(","));
        ExpectSymbol(")");
        return items;
    }

    private AdqlExpression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.IsSymbol("+") || Current.IsSymbol("-") || Current.IsSymbol("||"))
        {
            var op = Current;
            Advance();
            left = new BinaryExpression(op.Text, left, ParseMultiplicative(), op.Position);
        }

        return left;
    }

    private AdqlExpression ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.IsSymbol("*") || Current.IsSymbol("/"))
        {
            var op = Current;
            Advance();
            left = new BinaryExpression(op.Text, left, ParseUnary(), op.Position);
        }

        return left;
    }

    private AdqlExpression ParseUnary()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Current.IsSymbol("-") || Current.IsSymbol("+"))
        {
            var op = Current;
            Advance();
            return new UnaryExpression(op.Text, ParseUnary(), op.Position);
        }

        return ParsePrimary();
    }

    private AdqlExpression ParsePrimary()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var token = Current;
        switch (token.Kind)
        {
            case AdqlTokenKind.Number:
                Advance();
                return new NumberLiteral(token.Text, token.Position);
            case AdqlTokenKind.String:
                Advance();
                return new StringLiteral(token.Text, token.Position);
            case AdqlTokenKind.Symbol when token.Text == "(":
                Advance();
                if (Current.IsKeyword("SELECT"))
                {
                    throw Error("subqueries are not supported");
                }

                var inner = ParseCondition();
                ExpectSymbol(")");
                return inner;
            case AdqlTokenKind.Word when token.IsKeyword("NULL"):
                Advance();
                return new NullLiteral(token.Position);
            case AdqlTokenKind.Word when _tokens[_next + 1].IsSymbol("("):
                return ParseFunctionCall();
            case AdqlTokenKind.Word or AdqlTokenKind.QuotedIdentifier:
                return ParseColumnReference();
            default:
                throw Error($"expected a value, found {token.Describe()}");
        }
    }

    private FunctionCall ParseFunctionCall()
    {
        var name = Current;
        if (Reserved.Contains(name.Text))
        {
            throw Error($"{name.Describe()} is a reserved word, not a function");
        }

        Advance();
        ExpectSymbol("(");
        var arguments = new List<AdqlExpression>();
        var distinct = false;
        var star = false;
        if (AcceptSymbol("*"))
        {
            star = true;
        }
        else if (!Current.IsSymbol(")"))
        {
            distinct = AcceptKeyword("DISTINCT");
            if (!distinct)
            {
                AcceptKeyword("ALL");
            }

            do
            {
                arguments.Add(ParseAdditive());
            }
            while (AcceptSymbol(","));
        }

        ExpectSymbol(")");
        return new FunctionCall(name.Text.ToUpperInvariant(), arguments, distinct, star, name.Position);
    }

    private ColumnReference ParseColumnReference()
    {
        var position = Current.Position;
        var first = ReadIdentifier("a column name");
        if (!AcceptSymbol("."))
        {
            return new ColumnReference(null, first, position);
        }

        var second = ReadIdentifier("a column name after '.'");
        if (Current.IsSymbol("."))
        {
            throw Error("schema-qualified column names are not supported: qualify the column by its table or alias");
        }

        return new ColumnReference(first, second, position);
    }

    private static bool IsIdentifierStart(AdqlToken token) =>
        token.Kind == AdqlTokenKind.QuotedIdentifier || (token.Kind == AdqlTokenKind.Word && !Reserved.Contains(token.Text));

    private Identifier ReadIdentifier(string what)
    {
        var token = Current;
        if (!IsIdentifierStart(token))
        {
            throw Error($"expected {what}, found {token.Describe()}");
        }

        Advance();
        return new Identifier(token.Text, token.Kind == AdqlTokenKind.QuotedIdentifier);
    }

    private void Advance()
    {
        if (_next < _tokens.Count - 1)
        {
            _next++;
        }
    }

    private bool AcceptKeyword(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            return false;
        }

        Advance();
        return true;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            return false;
        }

        Advance();
        return true;
    }

    private void Expect(string keyword)
    {
        if (!AcceptKeyword(keyword))
        {
            throw Error($"expected {keyword}, found {Current.Describe()}");
        }
    }

    private void ExpectSymbol(string symbol)
    {
        if (!AcceptSymbol(symbol))
        {
            throw Error($"expected '{symbol}', found {Current.Describe()}");
        }
    }

    private AdqlException Error(string message) => AdqlException.At(_query, Current.Position, message);
}
