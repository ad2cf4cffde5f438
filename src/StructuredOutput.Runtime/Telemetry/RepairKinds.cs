using System;
using System.Globalization;

namespace StructuredOutput.Telemetry;

/// <summary>
/// A small, stable vocabulary of repair kinds for metrics (<c>structured_output.repair.kind</c>), derived from a repair's
/// description. The descriptions are the library's own fixed wordings (the reading stages write them), so each opening
/// names one kind; the table below lists every opening those stages write, most specific first, and a test reads every
/// repair the repair corpus produces through it. A wording added without a row here counts as <see cref="Other"/>.
/// </summary>
internal static class RepairKinds
{
    public const string CodeFence = "code_fence";
    public const string SurroundingText = "surrounding_text";
    public const string ArrayUnwrapped = "array_unwrapped";
    public const string StringEncodedJson = "string_encoded_json";
    public const string Comma = "comma";
    public const string Colon = "colon";
    public const string Bracket = "bracket";
    public const string Comment = "comment";
    public const string Whitespace = "whitespace";
    public const string Quote = "quote";
    public const string Escape = "escape";
    public const string Literal = "literal";
    public const string Placeholder = "placeholder";
    public const string Wrapper = "wrapper";
    public const string Coercion = "coercion";
    public const string UnknownProperty = "unknown_property";
    public const string MissingAsNull = "missing_as_null";
    public const string AmbiguityResolved = "ambiguity_resolved";

    /// <summary>The repairs a bounded repair log counted but did not list (<c>"N more repairs are not listed."</c>).</summary>
    public const string Unlisted = "unlisted";

    /// <summary>A description no row matches.</summary>
    public const string Other = "other";

    private const string UnlistedEnding = " more repairs are not listed.";

    // Openings, most specific first: "Replaced the invalid escape" before "Replaced the " before "Replaced '" before
    // "Replaced ".
    private static readonly (string Opening, string Kind)[] s_rows =
    {
        ("Took the JSON out of a markdown code fence", CodeFence),
        ("Ignored text before the JSON", SurroundingText),
        ("Ignored text after the JSON", SurroundingText),
        ("Ignored stray closing brackets", SurroundingText),
        ("Removed a byte-order mark", SurroundingText),
        ("Took the only object out of a top-level JSON array", ArrayUnwrapped),
        ("Unescaped JSON that was written as the content of a string", StringEncodedJson),
        ("Took the only reading that fits", AmbiguityResolved),
        ("Removed a trailing comma", Comma),
        ("Removed an extra comma", Comma),
        ("Inserted a missing comma", Comma),
        ("Inserted a missing colon", Colon),
        ("Inserted a missing '", Bracket),
        ("Removed a stray '", Bracket),
        ("Replaced '", Bracket),
        ("Removed a comment", Comment),
        ("Read the special space", Whitespace),
        ("Replaced the invalid escape", Escape),
        ("Kept the backslash of the invalid escape", Escape),
        ("Escaped raw line breaks", Escape),
        ("Replaced the ", Quote),
        ("Escaped ", Quote),
        ("Kept ", Quote),
        ("Added the missing closing quote", Quote),
        ("Added the missing opening quote", Quote),
        ("Quoted the ", Quote),
        ("Joined ", Quote),
        ("Read the triple-quoted string", Quote),
        ("Removed the line break before the closing quote", Quote),
        ("Replaced ", Literal),
        ("Wrote the number", Literal),
        ("Removed a placeholder", Placeholder),
        ("Took the value in parentheses", Wrapper),
        ("Took the value inside", Wrapper),
        ("Read the tuple", Wrapper),
        ("Ignored the unknown property", UnknownProperty),
        ("Took the missing property", MissingAsNull),
        ("Took the single value", Coercion),
        ("Dropped the offset", Coercion),
        ("Dropped the repeated set item", Coercion),
        ("Read ", Coercion),
    };

    /// <summary>The kind of the repair described by <paramref name="description"/>, and how many repairs it stands for.</summary>
    public static string Classify(string description, out long count)
    {
        count = 1;
        ReadOnlySpan<char> text = description;
        if (text.EndsWith(UnlistedEnding, StringComparison.Ordinal) && long.TryParse(text[..^UnlistedEnding.Length], NumberStyles.None, CultureInfo.InvariantCulture, out long unlisted) && unlisted > 0)
        {
            count = unlisted;
            return Unlisted;
        }

        // "Read 3 special spaces (such as U+00A0) between … as spaces."
        if (text.StartsWith("Read ", StringComparison.Ordinal) && text.Contains(" special spaces ", StringComparison.Ordinal))
        {
            return Whitespace;
        }

        foreach ((string opening, string kind) in s_rows)
        {
            if (text.StartsWith(opening, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return Other;
    }
}
