using System.Collections.Generic;

namespace StructuredOutput.Generator.Model;

/// <summary>A constraint that OpenAI's strict <c>json_schema</c> subset does not enforce.</summary>
internal enum StrictGap
{
    /// <summary><c>minLength</c>/<c>maxLength</c> of a string (length attributes, or <c>[Required]</c> beside a pattern).</summary>
    StringLength,

    /// <summary><c>minLength</c>/<c>maxLength</c> of 1 that make a <c>char</c> one character.</summary>
    OneCharacter,

    /// <summary>The <c>uri</c> format of a <c>Uri</c>.</summary>
    UriFormat,

    /// <summary><c>uniqueItems</c> of a set.</summary>
    UniqueItems,

    /// <summary><c>not</c> of <c>[DeniedValues]</c>.</summary>
    DeniedValues,
}

/// <summary>One row of <see cref="StrictMode.Gaps"/>.</summary>
/// <param name="Gap">The constraint.</param>
/// <param name="Constraint">How LLMX012 names it.</param>
/// <param name="Keywords">The JSON Schema keywords the plain schema states it with, and the strict schema leaves out.</param>
internal sealed record StrictGapInfo(StrictGap Gap, string Constraint, EquatableArray<string> Keywords);

/// <summary>
/// Strict <c>json_schema</c> mode in one place: OpenAI's limits, and the one table of what its subset does not
/// enforce. The parser reports each gap as LLMX012; the schema emitter leaves the gap's keywords out of the strict
/// schema and states the rule in the description instead. Both ask <see cref="GapsOf(TypeRef, ConstraintsModel?)"/>.
/// </summary>
internal static class StrictMode
{
    /// <summary>OpenAI's limits on a strict schema (Structured Outputs guide).</summary>
    public const int MaxProperties = 5000;

    public const int MaxNesting = 10;

    public const int MaxEnumValues = 1000;

    public const int MaxNameCharacters = 120000;

    /// <summary>The table: every constraint strict mode does not enforce, its name, and its keywords.</summary>
    public static readonly IReadOnlyList<StrictGapInfo> Gaps = new[]
    {
        new StrictGapInfo(StrictGap.StringLength, "string length (minLength/maxLength)", new[] { "minLength", "maxLength" }.ToEquatableArray()),
        new StrictGapInfo(StrictGap.OneCharacter, "a one-character string (minLength/maxLength)", new[] { "minLength", "maxLength" }.ToEquatableArray()),
        new StrictGapInfo(StrictGap.UriFormat, "format 'uri'", new[] { "format" }.ToEquatableArray()),
        new StrictGapInfo(StrictGap.UniqueItems, "unique items (uniqueItems)", new[] { "uniqueItems" }.ToEquatableArray()),
        new StrictGapInfo(StrictGap.DeniedValues, "denied values (not)", new[] { "not" }.ToEquatableArray()),
    };

    public static StrictGapInfo Info(StrictGap gap) => Gaps[(int)gap];

    /// <summary>
    /// The gaps of one value of type <paramref name="type"/> (its elements are values of their own) with the
    /// constraints <paramref name="c"/>, in table order.
    /// </summary>
    public static List<StrictGap> GapsOf(TypeRef type, ConstraintsModel? c)
    {
        var gaps = new List<StrictGap>();
        type = type.AsNonNullable();

        // [Required] on its own is stated with the pattern \S, which strict mode enforces; beside a pattern of its
        // own it needs minLength 1.
        if (type.Kind == ValueKind.String && c is not null && (c.HasLength || (c.NotEmpty && c.Pattern is not null)))
        {
            gaps.Add(StrictGap.StringLength);
        }

        if (type.Kind == ValueKind.Char)
        {
            gaps.Add(StrictGap.OneCharacter);
        }

        if (type.Kind == ValueKind.Uri)
        {
            gaps.Add(StrictGap.UriFormat);
        }

        if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet)
        {
            gaps.Add(StrictGap.UniqueItems);
        }

        // An enum's denied members are simply not in its enum list.
        if (c is not null && c.Denied.Count > 0 && type.Kind != ValueKind.Enum)
        {
            gaps.Add(StrictGap.DeniedValues);
        }

        return gaps;
    }

    /// <summary>The gaps of a member: of its value, then of its elements at every depth, each once.</summary>
    public static List<StrictGap> GapsOf(MemberModel member)
    {
        var gaps = GapsOf(member.Type, member.Constraints);
        for (var element = member.Type.Element; element is not null; element = element.Element)
        {
            foreach (var gap in GapsOf(element, null))
            {
                if (!gaps.Contains(gap))
                {
                    gaps.Add(gap);
                }
            }
        }

        gaps.Sort();
        return gaps;
    }
}
