using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
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

    private static bool IsJsonRequired(IPropertySymbol property, IParameterSymbol parameter) =>
        property.GetAttributes().Concat(parameter.GetAttributes())
            .Any(a => IsAttribute(a, "System.Text.Json.Serialization.JsonRequiredAttribute"));

    // An optional constructor parameter lets the member be left out; its default is used then.
    private static ConstantModel? DefaultOf(IParameterSymbol parameter, TypeRef type)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        object? value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return ConstantModel.Null;
        }

        if (type.Kind == ValueKind.Enum)
        {
            var enumType = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : parameter.Type;
            return EnumConstant(enumType, value) ?? new ConstantModel(ConstantKind.Number, ConstantText(value));
        }

        return value switch
        {
            string text => new ConstantModel(ConstantKind.String, text),
            bool b => new ConstantModel(ConstantKind.Boolean, b ? "true" : "false"),
            char c => new ConstantModel(ConstantKind.Char, c.ToString()),
            _ => new ConstantModel(ConstantKind.Number, ConstantText(value)),
        };
    }

    // The member of the enum that has the value, or null when no member has it.
    private static ConstantModel? EnumConstant(ITypeSymbol enumType, object? value)
    {
        var field = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && Equals(f.ConstantValue, value));
        return field is null ? null : new ConstantModel(ConstantKind.EnumMember, field.Name);
    }

    // A number constant as invariant text that round-trips; the non-finite doubles by name.
    private static string ConstantText(object value) => value switch
    {
        double d when double.IsNaN(d) => "NaN",
        double d when double.IsPositiveInfinity(d) => "Infinity",
        double d when double.IsNegativeInfinity(d) => "-Infinity",
        float f when float.IsNaN(f) => "NaN",
        float f when float.IsPositiveInfinity(f) => "Infinity",
        float f when float.IsNegativeInfinity(f) => "-Infinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0",
    };

    // Where a validation attribute was found, for its diagnostics.
    private sealed record AttributeSite(string Name, string Member, string TypeDisplay, Location? At);

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

            string shortName = cls.Name.EndsWith("Attribute", StringComparison.Ordinal) ? cls.Name.Substring(0, cls.Name.Length - 9) : cls.Name;
            var at = attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation() ?? location;
            any = true;
            ReadConstraint(attribute, c, ref type, new AttributeSite(shortName, member, typeDisplay, at));
        }

        return any ? Build(c, member, location) : null;
    }

    // One validation attribute: checked against the member's type, then read into the builder.
    private void ReadConstraint(AttributeData attribute, Builder c, ref TypeRef type, AttributeSite site)
    {
        string full = attribute.AttributeClass!.ToDisplayString();
        string? known = full.StartsWith(DataAnnotations, StringComparison.Ordinal) ? full.Substring(DataAnnotations.Length) : null;
        var value = type.AsNonNullable();
        bool isString = value.Kind == ValueKind.String;
        switch (known)
        {
            case "RangeAttribute":
                if (Applies(value.IsNumber, "it applies to numbers", site))
                {
                    ReadRange(attribute, c, site.Name, site.Member, site.At, value);
                }

                break;
            case "MinLengthAttribute":
            case "MaxLengthAttribute":
            case "LengthAttribute":
                if (Applies(isString || value.Kind == ValueKind.Collection, "it applies to strings and collections", site))
                {
                    ReadLength(attribute, c, site.Name, site.Member, site.At);
                }

                break;
            case "StringLengthAttribute":
                if (Applies(isString, "it applies to strings", site))
                {
                    ReadLength(attribute, c, site.Name, site.Member, site.At);
                }

                break;
            case "RegularExpressionAttribute":
                if (Applies(isString, "it applies to strings", site))
                {
                    ReadPattern(attribute, c, site);
                }

                break;
            case "EmailAddressAttribute":
                c.Email |= Applies(isString, "it applies to strings", site);
                break;
            case "UrlAttribute":
                c.Url |= Applies(isString, "it applies to strings", site);
                break;
            case "AllowedValuesAttribute":
                ReadValues(attribute, c.Allowed, value, site.Name, site.Member, site.At);
                break;
            case "DeniedValuesAttribute":
                ReadValues(attribute, c.Denied, value, site.Name, site.Member, site.At);
                break;
            case "RequiredAttribute":
                // [Required] makes null invalid; on a string it also rules out the empty string unless allowed.
                bool allowEmpty = attribute.NamedArguments.Any(a => a.Key == "AllowEmptyStrings" && a.Value.Value is true);
                c.NotEmpty |= isString && !allowEmpty;
                type = type.AsNonNullable();
                break;
            default:
                Report(DiagnosticDescriptors.UncheckedValidationAttribute, site.At, site.Name, site.Member);
                break;
        }
    }

    // Reports LLMX009 when an attribute does not apply to the member's type.
    private bool Applies(bool applies, string why, AttributeSite site)
    {
        if (!applies)
        {
            Report(DiagnosticDescriptors.InapplicableConstraint, site.At, site.Name, site.Member, site.TypeDisplay, why);
        }

        return applies;
    }

    private void ReadPattern(AttributeData attribute, Builder c, AttributeSite site)
    {
        if (attribute.ConstructorArguments.FirstOrDefault().Value is not string pattern)
        {
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            c.Pattern = pattern;
        }
        catch (ArgumentException e)
        {
            Report(DiagnosticDescriptors.InvalidConstraint, site.At, site.Name, site.Member, $"the pattern does not compile ({e.Message}); fix the regular expression");
        }
    }

    // The constraints read, checked across attributes; null when none constrains anything.
    private ConstraintsModel? Build(Builder c, string member, Location? location)
    {
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
            var (lo, hi) = type.IsInteger ? IntegerRanges.Of(type.Kind) : (decimal.MinValue, decimal.MaxValue);
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

    private static ConstantModel? ConstantOf(TypedConstant item, TypeRef type)
    {
        object? value = item.Value;
        switch (type.Kind)
        {
            case ValueKind.String:
                return value is string s ? new ConstantModel(ConstantKind.String, s) : null;
            case ValueKind.Boolean:
                return value is bool b ? new ConstantModel(ConstantKind.Boolean, b ? "true" : "false") : null;
            case ValueKind.Enum:
                return item.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
                    && enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == type.Target
                        ? EnumConstant(enumType, value)
                        : null;
            default:
                if (!type.IsNumber || value is null || value is string || value is bool || value is char)
                {
                    return null;
                }

                string text = value is float f ? ((double)f).ToString("R", CultureInfo.InvariantCulture) : ConstantText(value);
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal number)
                    || (type.IsInteger && number != decimal.Truncate(number))
                    || (type.IsInteger && !IntegerRanges.Contains(type.Kind, number)))
                {
                    return null;
                }

                return new ConstantModel(ConstantKind.Number, text);
        }
    }

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
