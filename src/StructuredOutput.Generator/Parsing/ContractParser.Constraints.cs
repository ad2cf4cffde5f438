using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Emitting;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// Members: validation attributes, defaults of optional constructor parameters, and what is data.
internal sealed partial class ContractParser
{
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations.";

    // An auto-property has a compiler-made backing field; a computed property has none.
    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.ContainingType.GetMembers().OfType<IFieldSymbol>()
            .Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

    private static bool ContainsDictionary(TypeRef type) =>
        type.Kind == ValueKind.Dictionary || (type.Element is { } element && ContainsDictionary(element));

    private static bool IsJsonRequired(IPropertySymbol property, IParameterSymbol parameter) =>
        property.GetAttributes().Concat(parameter.GetAttributes())
            .Any(a => IsAttribute(a, "System.Text.Json.Serialization.JsonRequiredAttribute"));

    // An optional constructor parameter lets the member be left out; its default is used then.
    private DefaultValueModel? DefaultOf(IParameterSymbol parameter, TypeRef type)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        object? value = parameter.ExplicitDefaultValue;
        string typeName = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (value is null)
        {
            return new DefaultValueModel($"default({typeName})", type.IsNullable ? "null" : string.Empty);
        }

        if (type.Kind == ValueKind.Enum)
        {
            var e = _enums.FirstOrDefault(x => x.FullyQualifiedName == type.Target);
            var enumType = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : parameter.Type;
            var field = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && Equals(f.ConstantValue, value));
            string json = field is not null && e?.Members.FirstOrDefault(m => m.ClrName == field.Name) is { } member ? Literals.Json(member.JsonName) : string.Empty;
            return new DefaultValueModel($"({typeName})({Convert.ToString(value, CultureInfo.InvariantCulture)})", json);
        }

        switch (value)
        {
            case string text:
                return new DefaultValueModel(Literals.CSharp(text), Literals.Json(text));
            case bool b:
                return new DefaultValueModel(b ? "true" : "false", b ? "true" : "false");
            case char c:
                return new DefaultValueModel($"(char){(int)c}", Literals.Json(c.ToString()));
            case float f:
                return new DefaultValueModel(f.ToString("R", CultureInfo.InvariantCulture) + "f", JsonNumber(f));
            case double d:
                return new DefaultValueModel(d.ToString("R", CultureInfo.InvariantCulture) + "d", JsonNumber(d));
            case decimal m:
                return new DefaultValueModel(m.ToString(CultureInfo.InvariantCulture) + "m", m.ToString(CultureInfo.InvariantCulture));
            default:
                string number = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0";
                return new DefaultValueModel($"({typeName})({number})", number);
        }

        static string JsonNumber(double d) => double.IsNaN(d) || double.IsInfinity(d) ? string.Empty : d.ToString("R", CultureInfo.InvariantCulture);
    }

    private ConstraintsModel? ReadConstraints(IPropertySymbol property, IParameterSymbol? parameter, ref TypeRef type, string member, Location? location)
    {
        var attributes = property.GetAttributes().ToList();
        if (parameter is not null)
        {
            attributes.AddRange(parameter.GetAttributes());
        }

        var c = new Builder();
        bool any = false;
        string typeDisplay = property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass is not { } cls || !IsValidationAttribute(cls))
            {
                continue;
            }

            string full = cls.ToDisplayString();
            string shortName = cls.Name.EndsWith("Attribute", StringComparison.Ordinal) ? cls.Name.Substring(0, cls.Name.Length - 9) : cls.Name;
            var at = attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation() ?? location;
            var value = type.AsNonNullable();
            bool isString = value.Kind == ValueKind.String;
            bool isCollection = value.Kind == ValueKind.Collection;
            any = true;
            switch (full.StartsWith(DataAnnotations, StringComparison.Ordinal) ? full.Substring(DataAnnotations.Length) : full)
            {
                case "RangeAttribute":
                    if (!value.IsNumber)
                    {
                        Inapplicable(shortName, "it applies to numbers");
                        break;
                    }

                    ReadRange(attribute, c, shortName, member, at, value);
                    break;
                case "MinLengthAttribute":
                case "MaxLengthAttribute":
                case "LengthAttribute":
                case "StringLengthAttribute":
                    if (!isString && !(isCollection && shortName != "StringLength"))
                    {
                        Inapplicable(shortName, shortName == "StringLength" ? "it applies to strings" : "it applies to strings and collections");
                        break;
                    }

                    ReadLength(attribute, c, shortName, member, at);
                    break;
                case "RegularExpressionAttribute":
                    if (!isString)
                    {
                        Inapplicable(shortName, "it applies to strings");
                        break;
                    }

                    if (attribute.ConstructorArguments.FirstOrDefault().Value is string pattern)
                    {
                        try
                        {
                            _ = new Regex(pattern, RegexOptions.CultureInvariant);
                            c.Pattern = pattern;
                        }
                        catch (ArgumentException e)
                        {
                            Report(DiagnosticDescriptors.InvalidConstraint, at, shortName, member, $"the pattern does not compile ({e.Message}); fix the regular expression");
                        }
                    }

                    break;
                case "EmailAddressAttribute":
                case "UrlAttribute":
                    if (!isString)
                    {
                        Inapplicable(shortName, "it applies to strings");
                        break;
                    }

                    if (shortName == "Url")
                    {
                        c.Url = true;
                    }
                    else
                    {
                        c.Email = true;
                    }

                    break;
                case "AllowedValuesAttribute":
                case "DeniedValuesAttribute":
                    ReadValues(attribute, shortName == "AllowedValues" ? c.Allowed : c.Denied, value, shortName, member, at);
                    break;
                case "RequiredAttribute":
                    bool allowEmpty = attribute.NamedArguments.Any(a => a.Key == "AllowEmptyStrings" && a.Value.Value is true);
                    c.NotEmpty |= isString && !allowEmpty;
                    if (type.IsNullable)
                    {
                        type = type.AsNonNullable();
                    }

                    break;
                default:
                    Report(DiagnosticDescriptors.UncheckedValidationAttribute, at, shortName, member);
                    break;
            }

            void Inapplicable(string name, string why)
            {
                Report(DiagnosticDescriptors.InapplicableConstraint, at, name, member, typeDisplay, why);
            }
        }

        if (!any)
        {
            return null;
        }

        if (c.MinLength is int min && c.MaxLength is int max && min > max)
        {
            Report(DiagnosticDescriptors.InvalidConstraint, location, "MinLength", member, $"the minimum length {min} is greater than the maximum length {max} set by another attribute");
        }

        var model = new ConstraintsModel(
            c.Minimum, c.MinimumExclusive, c.Maximum, c.MaximumExclusive, c.MinLength, c.MaxLength, c.Pattern, c.Email, c.Url, c.NotEmpty,
            c.Allowed.ToEquatableArray(), c.Denied.ToEquatableArray());
        return model == Empty ? null : model;
    }

    private static readonly ConstraintsModel Empty = new(null, false, null, false, null, null, null, false, false, false, default, default);

    private static string DisplayKind(TypeRef type) => type.Kind switch
    {
        ValueKind.Collection => "a collection",
        ValueKind.Dictionary => "a dictionary",
        _ => type.Kind.ToString(),
    };

    private static bool IsValidationAttribute(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == DataAnnotations + "ValidationAttribute")
            {
                return true;
            }
        }

        return false;
    }

    private void ReadRange(AttributeData attribute, Builder c, string name, string member, Location? at, TypeRef type)
    {
        var args = attribute.ConstructorArguments;
        string? min = null;
        string? max = null;
        if (args.Length == 2)
        {
            min = NumberText(args[0].Value);
            max = NumberText(args[1].Value);
        }
        else if (args.Length == 3 && args[1].Value is string a && args[2].Value is string b)
        {
            if (args[0].Value is not ITypeSymbol t || !IsNumericType(t))
            {
                Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, "the operand type must be a numeric type such as typeof(decimal)");
                return;
            }

            min = ParseNumber(a);
            max = ParseNumber(b);
            if (min is null || max is null)
            {
                Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"'{(min is null ? a : b)}' is not a number (limits are read with the invariant culture, such as \"0.5\")");
                return;
            }
        }
        else
        {
            return;
        }

        bool minExclusive = attribute.NamedArguments.Any(n => n.Key == "MinimumIsExclusive" && n.Value.Value is true);
        bool maxExclusive = attribute.NamedArguments.Any(n => n.Key == "MaximumIsExclusive" && n.Value.Value is true);
        if (min is not null && max is not null)
        {
            double lo = double.Parse(min, CultureInfo.InvariantCulture);
            double hi = double.Parse(max, CultureInfo.InvariantCulture);
            if (lo > hi || (lo == hi && (minExclusive || maxExclusive)))
            {
                Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"the minimum {min} is greater than the maximum {max}, so no value is valid; swap them");
                return;
            }
        }

        // Infinite limits (double.NegativeInfinity, double.PositiveInfinity) leave that side open.
        c.Minimum = min == "-Infinity" ? null : min;
        c.Maximum = max == "Infinity" ? null : max;
        if (type.Kind is not (ValueKind.Single or ValueKind.Double))
        {
            // Integer and decimal members compare in decimal: a limit beyond the type's own range adds nothing.
            var (lo, hi) = type.IsInteger ? IntegerRange(type.Kind) : (decimal.MinValue, decimal.MaxValue);
            if (c.Minimum is not null && (!decimal.TryParse(c.Minimum, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal m) || m < lo))
            {
                c.Minimum = double.Parse(c.Minimum, CultureInfo.InvariantCulture) < 0 ? null : c.Minimum;
            }

            if (c.Maximum is not null && (!decimal.TryParse(c.Maximum, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal x) || x > hi))
            {
                c.Maximum = double.Parse(c.Maximum, CultureInfo.InvariantCulture) > 0 ? null : c.Maximum;
            }

            c.Minimum = Canonical(c.Minimum);
            c.Maximum = Canonical(c.Maximum);
        }

        c.MinimumExclusive = minExclusive && c.Minimum is not null;
        c.MaximumExclusive = maxExclusive && c.Maximum is not null;
    }

    // A decimal limit as plain digits ("1E+20" becomes "100000000000000000000"), valid in C# and JSON alike.
    private static string? Canonical(string? number) =>
        number is not null && decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d)
            ? d.ToString(CultureInfo.InvariantCulture)
            : number;

    private static bool IsNumericType(ITypeSymbol type) => type.SpecialType is SpecialType.System_SByte or SpecialType.System_Byte
        or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
        or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double
        or SpecialType.System_Decimal;

    private static string? NumberText(object? value) => value switch
    {
        double d when double.IsNegativeInfinity(d) => "-Infinity",
        double d when double.IsPositiveInfinity(d) => "Infinity",
        double d when double.IsNaN(d) => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string? ParseNumber(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal m)
            ? m.ToString(CultureInfo.InvariantCulture)
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsNaN(d) && !double.IsInfinity(d)
                ? d.ToString("R", CultureInfo.InvariantCulture)
                : null;

    private void ReadLength(AttributeData attribute, Builder c, string name, string member, Location? at)
    {
        var args = attribute.ConstructorArguments;
        int? min = null;
        int? max = null;
        switch (name)
        {
            case "MinLength" when args.Length == 1 && args[0].Value is int n:
                if (n < 0)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"the length {n} is negative; use 0 or more");
                    return;
                }

                min = n;
                break;
            case "MaxLength" when args.Length == 0:
                return; // no limit
            case "MaxLength" when args.Length == 1 && args[0].Value is int n:
                if (n == -1)
                {
                    return;
                }

                if (n <= 0)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"the length {n} is not positive; use 1 or more, or -1 for no limit");
                    return;
                }

                max = n;
                break;
            case "Length" when args.Length == 2 && args[0].Value is int lo && args[1].Value is int hi:
                if (lo < 0 || hi < 0)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, "a length is negative; use 0 or more");
                    return;
                }

                if (lo > hi)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"the minimum length {lo} is greater than the maximum length {hi}; swap them");
                    return;
                }

                min = lo;
                max = hi;
                break;
            case "StringLength" when args.Length == 1 && args[0].Value is int hi:
                int lower = attribute.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value is int m ? m : 0;
                if (hi < 0 || lower < 0)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, "a length is negative; use 0 or more");
                    return;
                }

                if (lower > hi)
                {
                    Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"MinimumLength {lower} is greater than the maximum length {hi}");
                    return;
                }

                min = lower == 0 ? null : lower;
                max = hi;
                break;
            default:
                return;
        }

        if (min is int a)
        {
            c.MinLength = c.MinLength is int previous ? Math.Max(previous, a) : a;
        }

        if (max is int b)
        {
            c.MaxLength = c.MaxLength is int previous ? Math.Min(previous, b) : b;
        }
    }

    private void ReadValues(AttributeData attribute, List<ConstantModel> into, TypeRef type, string name, string member, Location? at)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            return;
        }

        if (!(type.Kind is ValueKind.String or ValueKind.Enum or ValueKind.Boolean || type.IsNumber))
        {
            Report(DiagnosticDescriptors.InapplicableConstraint, at, name, member, DisplayKind(type), "it applies to strings, numbers, booleans and enums");
            return;
        }

        foreach (var item in attribute.ConstructorArguments[0].Values)
        {
            var constant = item.Kind == TypedConstantKind.Array ? null : ConstantOf(item, type);
            if (item.IsNull)
            {
                continue; // null is governed by the member's nullability
            }

            if (constant is null)
            {
                string shown = item.Kind == TypedConstantKind.Array ? "an array" : item.Value is string sv ? "\"" + sv + "\"" : Convert.ToString(item.Value, CultureInfo.InvariantCulture) ?? "null";
                Report(DiagnosticDescriptors.InvalidConstraint, at, name, member, $"the value {shown} is not a {DisplayKind(type).ToLowerInvariant()} value of the member's type; list values of the member's type");
                return;
            }

            into.Add(constant);
        }
    }

    private ConstantModel? ConstantOf(TypedConstant item, TypeRef type)
    {
        object? value = item.Value;
        switch (type.Kind)
        {
            case ValueKind.String:
                return value is string s ? new ConstantModel(Literals.CSharp(s), Literals.Json(s)) : null;
            case ValueKind.Boolean:
                return value is bool b ? new ConstantModel(b ? "true" : "false", b ? "true" : "false") : null;
            case ValueKind.Enum:
                if (item.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
                    && enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == type.Target)
                {
                    var field = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && Equals(f.ConstantValue, value));
                    var e = _enums.FirstOrDefault(x => x.FullyQualifiedName == type.Target);
                    var m = field is null ? null : e?.Members.FirstOrDefault(x => x.ClrName == field.Name);
                    return m is null ? null : new ConstantModel(type.Target + "." + ReaderEmitter.Escape(m.ClrName), Literals.Json(m.JsonName));
                }

                return null;
            default:
                if (!type.IsNumber || value is null || value is string || value is bool || value is char)
                {
                    return null;
                }

                string text = value is double d ? d.ToString("R", CultureInfo.InvariantCulture)
                    : value is float f ? ((double)f).ToString("R", CultureInfo.InvariantCulture)
                    : Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal number)
                    || (type.IsInteger && number != decimal.Truncate(number))
                    || (type.IsInteger && !InIntegerRange(type.Kind, number)))
                {
                    return null;
                }

                return new ConstantModel($"({Emitting.ReaderEmitter.CSharpType(type)})({text}{(type.Kind == ValueKind.Decimal ? "m" : type.IsInteger ? string.Empty : "d")})", text);
        }
    }

    internal static bool InIntegerRange(ValueKind kind, decimal value)
    {
        var (min, max) = IntegerRange(kind);
        return value >= min && value <= max;
    }

    internal static (decimal Min, decimal Max) IntegerRange(ValueKind kind) => kind switch
    {
        ValueKind.SByte => (sbyte.MinValue, sbyte.MaxValue),
        ValueKind.Byte => (byte.MinValue, byte.MaxValue),
        ValueKind.Int16 => (short.MinValue, short.MaxValue),
        ValueKind.UInt16 => (ushort.MinValue, ushort.MaxValue),
        ValueKind.Int32 => (int.MinValue, int.MaxValue),
        ValueKind.UInt32 => (uint.MinValue, uint.MaxValue),
        ValueKind.Int64 => (long.MinValue, long.MaxValue),
        _ => (ulong.MinValue, ulong.MaxValue),
    };

    private sealed class Builder
    {
        public string? Minimum;
        public bool MinimumExclusive;
        public string? Maximum;
        public bool MaximumExclusive;
        public int? MinLength;
        public int? MaxLength;
        public string? Pattern;
        public bool Email;
        public bool Url;
        public bool NotEmpty;
        public readonly List<ConstantModel> Allowed = new();
        public readonly List<ConstantModel> Denied = new();
    }
}
