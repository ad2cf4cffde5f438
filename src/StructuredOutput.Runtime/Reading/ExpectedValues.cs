using System;
using System.ComponentModel;

namespace StructuredOutput.Reading;

/// <summary>
/// What a value of each supported type should be, as error messages word it: the runtime readers use these when a
/// value has the wrong kind, and generated code uses the same wording when the value is missing, so the model sees one
/// wording for one field. Called by generated code, not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ExpectedValues
{
    /// <summary>A JSON string.</summary>
    public const string String = "a string";

    /// <summary>A JSON boolean.</summary>
    public const string Boolean = "true or false";

    /// <summary>A whole number (every integer type; the range is named when a value is out of it).</summary>
    public const string Integer = "an integer";

    /// <summary>A number (<see cref="float"/>, <see cref="double"/>, <see cref="decimal"/>).</summary>
    public const string Number = "a number";

    /// <summary>A <see cref="char"/>.</summary>
    public const string Char = "a string of one character";

    /// <summary>A <see cref="System.DateTime"/>.</summary>
    public const string DateTime = "an ISO 8601 date-time such as \"2024-05-01T09:30:00Z\"";

    /// <summary>A <see cref="System.DateTimeOffset"/>.</summary>
    public const string DateTimeOffset = "an ISO 8601 date-time with an offset such as \"2024-05-01T09:30:00+02:00\"";

    /// <summary>A <see cref="System.DateOnly"/>.</summary>
    public const string DateOnly = "a date such as \"2024-05-01\" (YYYY-MM-DD)";

    /// <summary>A <see cref="System.TimeOnly"/>.</summary>
    public const string TimeOnly = "a time of day such as \"14:30:00\" (HH:mm:ss)";

    /// <summary>A <see cref="System.TimeSpan"/>.</summary>
    public const string TimeSpan = "an ISO 8601 duration such as \"PT1H30M\"";

    /// <summary>A <see cref="System.Guid"/>.</summary>
    public const string Guid = "a UUID such as \"0f8fad5b-d9cb-469f-a165-70867728950e\"";

    /// <summary>A <see cref="System.Uri"/>.</summary>
    public const string Uri = "an absolute URI such as \"https://example.com/page\"";

    /// <summary>A JSON object (a record, class, struct or dictionary).</summary>
    public const string Object = "an object";

    /// <summary>A JSON array (a list, array or set).</summary>
    public const string Array = "an array";

    /// <summary>One of an enum's JSON names.</summary>
    /// <param name="names">The names, in declaration order.</param>
    /// <returns>The one name quoted, or "one of" the quoted names.</returns>
    public static string OneOf(string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.Length == 1
            ? "\"" + names[0] + "\""
            : "one of " + string.Join(", ", System.Array.ConvertAll(names, static n => "\"" + n + "\""));
    }
}
