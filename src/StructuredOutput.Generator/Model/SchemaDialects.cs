using System.Collections.Generic;
using System.Linq;

namespace StructuredOutput.Generator.Model;

/// <summary>A provider's schema dialect; the values are those of the runtime's <c>StructuredOutput.SchemaDialect</c>.</summary>
internal enum Dialect
{
    OpenAI = 0,
    Gemini = 1,
    Mistral = 2,
}

/// <summary>What a dialect's schema does with a keyword it rejects.</summary>
internal enum KeywordRule
{
    /// <summary>Left out; it constrains nothing an answer could break (<c>$schema</c>, <c>additionalProperties: false</c>).</summary>
    Remove,

    /// <summary>Left out, and the rule it states written into the description instead (LLMX031).</summary>
    Describe,

    /// <summary>
    /// A <c>const</c> becomes a one-value <c>enum</c> when its value is a string (no loss), and is described otherwise
    /// (LLMX031).
    /// </summary>
    AsEnum,

    /// <summary>
    /// <c>$ref</c> is replaced by the definition it names (and <c>$defs</c> left out); a type that contains itself cannot
    /// be inlined (LLMX030).
    /// </summary>
    Inline,

    /// <summary>Nothing can state it (LLMX030): <c>additionalProperties</c> with a schema, a dictionary's values.</summary>
    Reject,
}

/// <summary>One keyword a dialect rejects, and what its schema does instead.</summary>
internal sealed record DialectKeyword(string Keyword, KeywordRule Rule);

/// <summary>One row of <see cref="SchemaDialects.All"/>.</summary>
/// <param name="Dialect">The dialect.</param>
/// <param name="Name">Its name in diagnostics, as the runtime enum spells it.</param>
/// <param name="Keywords">The keywords the provider rejects, each with what the schema does instead; any other keyword is kept.</param>
/// <param name="NullableKeyword">
/// Whether null is stated as <c>"nullable": true</c> (OpenAPI 3.0), never as a type list, a <c>{"type":"null"}</c>
/// branch of <c>anyOf</c>, or null in an <c>enum</c>.
/// </param>
/// <param name="StringEnumsOnly">Whether <c>enum</c> may list strings only (other values are described).</param>
/// <param name="KeptFormats">When <c>format</c> is described, the formats the provider still accepts (kept as keywords).</param>
internal sealed record DialectInfo(
    Dialect Dialect,
    string Name,
    EquatableArray<DialectKeyword> Keywords,
    bool NullableKeyword,
    bool StringEnumsOnly,
    EquatableArray<string> KeptFormats)
{
    /// <summary>The rule for <paramref name="keyword"/>, or null when the dialect keeps it.</summary>
    public KeywordRule? RuleOf(string keyword)
    {
        foreach (var k in Keywords)
        {
            if (k.Keyword == keyword)
            {
                return k.Rule;
            }
        }

        return null;
    }

    /// <summary>Whether a <c>format</c> keyword with <paramref name="format"/> is kept.</summary>
    public bool Keeps(string format) => RuleOf("format") is null || KeptFormats.Contains(format);
}

/// <summary>
/// The schema dialects in one place: the one table of what each provider's <c>json_schema</c> rejects and what its
/// schema does instead. The parser reports from it (LLMX030, LLMX031), the dialect emitter writes each schema by it,
/// and the tests walk every emitted schema against it. OpenAI's dialect is the strict schema (<see cref="StrictMode"/>).
/// Sources and what is known from documentation only: docs/compatible-servers.md.
/// </summary>
internal static class SchemaDialects
{
    /// <summary>How many object schemas a dialect without <c>$ref</c> may repeat by inlining shared types.</summary>
    public const int MaxInlinedObjects = 1000;

    public static readonly IReadOnlyList<DialectInfo> All = new[]
    {
        new DialectInfo(Dialect.OpenAI, "OpenAI", EquatableArray<DialectKeyword>.Empty, false, false, EquatableArray<string>.Empty),

        // Gemini's Schema object (generateContent's responseSchema, which its OpenAI-compatible endpoint fills from
        // response_format) is an OpenAPI 3.0 subset: type (one name), nullable, description, enum (strings), format,
        // properties, required, items, anyOf, minimum/maximum, minItems/maxItems, minLength/maxLength, pattern,
        // title, default, propertyOrdering. The Gemini Developer API accepts the formats "enum" and "date-time" only.
        new DialectInfo(
            Dialect.Gemini,
            "Gemini",
            new[]
            {
                new DialectKeyword("$schema", KeywordRule.Remove),
                new DialectKeyword("$id", KeywordRule.Remove),
                new DialectKeyword("$ref", KeywordRule.Inline),
                new DialectKeyword("$defs", KeywordRule.Inline),
                new DialectKeyword("additionalProperties", KeywordRule.Reject),
                new DialectKeyword("const", KeywordRule.AsEnum),
                new DialectKeyword("exclusiveMinimum", KeywordRule.Describe),
                new DialectKeyword("exclusiveMaximum", KeywordRule.Describe),
                new DialectKeyword("multipleOf", KeywordRule.Describe),
                new DialectKeyword("uniqueItems", KeywordRule.Describe),
                new DialectKeyword("not", KeywordRule.Describe),
                new DialectKeyword("format", KeywordRule.Describe),
            }.ToEquatableArray(),
            NullableKeyword: true,
            StringEnumsOnly: true,
            KeptFormats: new[] { "date-time" }.ToEquatableArray()),

        // Mistral answers "Received unsupported keyword `format` in schema." (HTTP 400) and rejects $id and $schema;
        // client libraries also strip minLength, maxLength and pattern for it. $defs/$ref, anyOf, additionalProperties
        // and type lists are accepted (its own SDK sends Pydantic schemas that hold them).
        new DialectInfo(
            Dialect.Mistral,
            "Mistral",
            new[]
            {
                new DialectKeyword("$schema", KeywordRule.Remove),
                new DialectKeyword("$id", KeywordRule.Remove),
                new DialectKeyword("format", KeywordRule.Describe),
                new DialectKeyword("minLength", KeywordRule.Describe),
                new DialectKeyword("maxLength", KeywordRule.Describe),
                new DialectKeyword("pattern", KeywordRule.Describe),
            }.ToEquatableArray(),
            NullableKeyword: false,
            StringEnumsOnly: false,
            KeptFormats: EquatableArray<string>.Empty),
    };

    public static DialectInfo Info(Dialect dialect) => All[(int)dialect];

    /// <summary>Whether <paramref name="value"/> is a <see cref="Dialect"/> (an attribute argument may hold any number).</summary>
    public static bool IsDefined(int value) => value >= 0 && value < All.Count;

    /// <summary>
    /// The keywords the wire schema (the strict shape, every keyword kept) states for one value of type
    /// <paramref name="type"/> with the constraints <paramref name="c"/>, each with its value as JSON; its elements are
    /// values of their own, and an object's members are read where they are declared.
    /// </summary>
    public static List<(string Keyword, string Value)> KeywordsOf(TypeRef type, ConstraintsModel? c)
    {
        var keywords = new List<(string, string)>();
        type = type.AsNonNullable();
        switch (type.Kind)
        {
            case ValueKind.String:
                if (c is not null)
                {
                    int? min = c.NotEmpty ? System.Math.Max(c.MinLength ?? 0, 1) : c.MinLength;
                    if (c.HasLength || (c.NotEmpty && c.Pattern is not null))
                    {
                        Add(keywords, "minLength", min);
                        Add(keywords, "maxLength", c.MaxLength);
                    }

                    if (c.Pattern is not null || c.NotEmpty)
                    {
                        keywords.Add(("pattern", c.Pattern ?? "\\S"));
                    }

                    if (c.Email)
                    {
                        keywords.Add(("format", "email"));
                    }
                }

                break;
            case ValueKind.Char:
                keywords.Add(("minLength", "1"));
                keywords.Add(("maxLength", "1"));
                break;
            case ValueKind.Collection:
                if (c is not null)
                {
                    Add(keywords, "minItems", c.MinLength);
                    Add(keywords, "maxItems", c.MaxLength);
                }

                if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet)
                {
                    keywords.Add(("uniqueItems", "true"));
                }

                break;
            case ValueKind.Dictionary:
                keywords.Add(("additionalProperties", "{}"));
                break;
            case ValueKind.DateTime or ValueKind.DateTimeOffset:
                keywords.Add(("format", "date-time"));
                break;
            case ValueKind.DateOnly:
                keywords.Add(("format", "date"));
                break;
            case ValueKind.TimeOnly:
                keywords.Add(("format", "time"));
                break;
            case ValueKind.TimeSpan:
                keywords.Add(("format", "duration"));
                break;
            case ValueKind.Guid:
                keywords.Add(("format", "uuid"));
                break;
            case ValueKind.Uri:
                keywords.Add(("format", "uri"));
                break;
        }

        if (type.IsNumber)
        {
            // An integer always has its type's range; a bound of a constraint may be exclusive.
            if (type.IsInteger || c?.Minimum is not null)
            {
                keywords.Add((c is { MinimumExclusive: true, Minimum: not null } ? "exclusiveMinimum" : "minimum", c?.Minimum ?? "range"));
            }

            if (type.IsInteger || c?.Maximum is not null)
            {
                keywords.Add((c is { MaximumExclusive: true, Maximum: not null } ? "exclusiveMaximum" : "maximum", c?.Maximum ?? "range"));
            }
        }

        if (c is not null && c.Allowed.Count > 0 && type.Kind != ValueKind.Enum)
        {
            keywords.Add(("enum", type.Kind is ValueKind.String or ValueKind.Char ? "strings" : "values"));
        }

        if (c is not null && c.Denied.Count > 0 && type.Kind != ValueKind.Enum)
        {
            keywords.Add(("not", "enum"));
        }

        return keywords;
    }

    private static void Add(List<(string, string)> keywords, string keyword, int? value)
    {
        if (value is int n)
        {
            keywords.Add((keyword, n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
