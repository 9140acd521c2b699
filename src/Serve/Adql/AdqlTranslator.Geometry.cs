using Apdb.Sky;

namespace Apdb.Serve.Adql;

/// <summary>
/// ADQL geometry on the sphere: POINT, CIRCLE, CONTAINS, INTERSECTS and DISTANCE become the exact angular distance of
/// <c>healpix_angdist_deg</c>, and a cone on a table's own (ra, dec) also restricts that table to the pixelId ranges of
/// <c>healpix_cone_ranges</c>, which are a superset of the cone, so the exact test still decides.
/// </summary>
public sealed partial class AdqlTranslator
{
    private (FunctionCall Call, int Value)? GeometryPredicate(AdqlExpression call, AdqlExpression value) =>
        call is FunctionCall { Name: "CONTAINS" or "INTERSECTS" } f && value is NumberLiteral { Text: "0" or "1" } n ? (f, n.Text == "1" ? 1 : 0) : null;

    private string ContainsCondition(FunctionCall call)
    {
        var (point, circle) = PointAndCircle(call);
        return $"(healpix_angdist_deg({Value(circle.Arguments[1])}, {Value(circle.Arguments[2])}, {Value(point.Arguments[1])}, {Value(point.Arguments[2])}) <= {Value(circle.Arguments[3])})";
    }

    private static (FunctionCall Point, FunctionCall Circle) PointAndCircle(FunctionCall call)
    {
        Arity(call, 2, 2);
        var first = call.Arguments[0] as FunctionCall;
        var second = call.Arguments[1] as FunctionCall;
        (FunctionCall, FunctionCall)? pair = (first?.Name, second?.Name) switch
        {
            ("POINT", "CIRCLE") => (first!, second!),
            ("CIRCLE", "POINT") when call.Name == "INTERSECTS" => (second!, first!),
            _ => null,
        };
        if (pair is not { } found)
        {
            throw new AdqlException($"{call.Name} is supported for a POINT and a CIRCLE: {call.Name}(POINT('ICRS', ra, dec), CIRCLE('ICRS', ra0, dec0, radius))");
        }

        CheckShape(found.Item1, 3);
        CheckShape(found.Item2, 4);
        return found;
    }

    private static void CheckShape(FunctionCall shape, int arguments)
    {
        // ADQL 2.1 lets the coordinate system be left out; ADQL 2.0 has it first.
        if (shape.Arguments.Count == arguments - 1)
        {
            return;
        }

        Arity(shape, arguments, arguments);
        if (shape.Arguments[0] is not StringLiteral system || !IsIcrs(system.Value))
        {
            throw new AdqlException($"{shape.Name}: the coordinate system must be 'ICRS' (or empty), the frame of ra and dec");
        }
    }

    private static bool IsIcrs(string system)
    {
        var trimmed = system.Trim();
        return trimmed.Length == 0 || trimmed.StartsWith("ICRS", StringComparison.OrdinalIgnoreCase);
    }

    private string Distance(FunctionCall call)
    {
        if (call.Arguments.Count == 4)
        {
            return $"healpix_angdist_deg({string.Join(", ", call.Arguments.Select(Value))})";
        }

        var (a, b) = DistancePoints(call);
        return $"healpix_angdist_deg({Value(a.Arguments[^2])}, {Value(a.Arguments[^1])}, {Value(b.Arguments[^2])}, {Value(b.Arguments[^1])})";
    }

    private static (FunctionCall A, FunctionCall B) DistancePoints(FunctionCall call)
    {
        Arity(call, 2, 4);
        if (call.Arguments.Count != 2 || call.Arguments[0] is not FunctionCall { Name: "POINT" } a || call.Arguments[1] is not FunctionCall { Name: "POINT" } b)
        {
            throw new AdqlException("DISTANCE takes two POINTs (or ra1, dec1, ra2, dec2)");
        }

        CheckShape(a, 3);
        CheckShape(b, 3);
        return (a, b);
    }

    /// <summary>Finds, among WHERE's top-level AND terms, a cone on a table's own position, and marks that table to be read by pixel ranges.</summary>
    private void FindCones()
    {
        foreach (var term in Conjuncts(_query.Where))
        {
            if (ConeOf(term) is not { } found || found.Scope.Cone is not null)
            {
                continue;
            }

            try
            {
                _ = new SkyCone(SkyPosition.FromDegrees(found.Cone.Ra, found.Cone.Dec), found.Cone.Radius);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new AdqlException($"cone on {found.Scope.Table.Name}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
            }

            found.Scope.Cone = found.Cone;
        }
    }

    private static IEnumerable<AdqlExpression> Conjuncts(AdqlExpression? where)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (where is BinaryExpression { Operator: "AND" } and)
        {
            return Conjuncts(and.Left).Concat(Conjuncts(and.Right));
        }

        return where is null ? [] : [where];
    }

    private (Scope Scope, Cone Cone)? ConeOf(AdqlExpression term)
    {
        if (term is not BinaryExpression b)
        {
            return null;
        }

        if (b.Operator == "=" && (GeometryPredicate(b.Left, b.Right) ?? GeometryPredicate(b.Right, b.Left)) is { Value: 1 } predicate)
        {
            var (point, circle) = PointAndCircle(predicate.Call);
            return OwnPosition(point) is { } scope && Constants(circle.Arguments.TakeLast(3)) is [var ra, var dec, var r] ? (scope, new Cone(ra, dec, r)) : null;
        }

        var (distance, bound) = b.Operator switch
        {
            "<" or "<=" => (b.Left as FunctionCall, b.Right),
            ">" or ">=" => (b.Right as FunctionCall, b.Left),
            _ => (null, b.Right),
        };
        if (distance is not { Name: "DISTANCE", Arguments.Count: 2 } || Constants([bound]) is not [var radius])
        {
            return null;
        }

        var (p1, p2) = DistancePoints(distance);
        foreach (var (own, other) in new[] { (p1, p2), (p2, p1) })
        {
            if (OwnPosition(own) is { } scope && Constants(other.Arguments.TakeLast(2)) is [var ra, var dec])
            {
                return (scope, new Cone(ra, dec, radius));
            }
        }

        return null;
    }

    /// <summary>The table whose own ra and dec a POINT names, when that table has a pixelId index.</summary>
    private Scope? OwnPosition(FunctionCall point)
    {
        if (point.Arguments[^2] is not ColumnReference raRef || point.Arguments[^1] is not ColumnReference decRef)
        {
            return null;
        }

        var (raScope, ra) = ResolveColumn(raRef);
        var (decScope, dec) = ResolveColumn(decRef);
        return raScope == decScope && raScope.Table.HasPixelIndex && ra.Name == "ra" && dec.Name == "dec" ? raScope : null;
    }

    /// <summary>The values of constant numeric expressions (literals, signs and arithmetic), or null when one is not constant.</summary>
    private static double[]? Constants(IEnumerable<AdqlExpression> expressions)
    {
        var values = new List<double>();
        foreach (var e in expressions)
        {
            if (Constant(e) is not { } v || !double.IsFinite(v))
            {
                return null;
            }

            values.Add(v);
        }

        return [.. values];
    }

    private static double? Constant(AdqlExpression e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        return ConstantOf(e);
    }

    private static double? ConstantOf(AdqlExpression e) => e switch
    {
        NumberLiteral n => n.Value,
        UnaryExpression { Operator: "-" } u => -Constant(u.Operand),
        UnaryExpression { Operator: "+" } u => Constant(u.Operand),
        BinaryExpression { Operator: "+" } b => Constant(b.Left) + Constant(b.Right),
        BinaryExpression { Operator: "-" } b => Constant(b.Left) - Constant(b.Right),
        BinaryExpression { Operator: "*" } b => Constant(b.Left) * Constant(b.Right),
        // Integer literals divide as integers, as PostgreSQL evaluates the same text.
        BinaryExpression { Operator: "/", Left: NumberLiteral l, Right: NumberLiteral r } when IsInteger(l) && IsInteger(r) && r.Value != 0 => Math.Truncate(l.Value / r.Value),
        BinaryExpression { Operator: "/" } b => Constant(b.Left) / Constant(b.Right),
        _ => null,
    };

    private static bool IsInteger(NumberLiteral n) => n.Text.All(char.IsAsciiDigit);
}
