using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// The state of one parse: the JSON path being read, the errors and the repairs. Called by generated code, not a user
/// API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JsonReadContext
{
    /// <summary>How many errors are listed before the rest are only counted.</summary>
    public const int MaxListedErrors = 50;

    private PathSegment[] _path = new PathSegment[8]; // grows on demand; answers are rarely nested deeper
    private int _depth;
    private List<ExtractionError>? _errors;
    private List<string>? _repairs;
    private int _errorCount;
    private long _nullableTokenStart = -1;

    /// <summary>The number of errors found so far (listed or not).</summary>
    public int ErrorCount => _errorCount;

    /// <summary>The errors listed so far, with a final <see cref="ExtractionErrorKind.TooManyErrors"/> entry when some were dropped.</summary>
    public IReadOnlyList<ExtractionError> Errors
    {
        get
        {
            if (_errors is null)
            {
                return Array.Empty<ExtractionError>();
            }

            if (_errorCount > _errors.Count)
            {
                var all = new List<ExtractionError>(_errors)
                {
                    new("$", ExtractionErrorKind.TooManyErrors, $"{_errorCount - _errors.Count} more errors are not listed"),
                };
                return all;
            }

            return _errors;
        }
    }

    /// <summary>The repairs applied so far.</summary>
    public IReadOnlyList<string> Repairs => (IReadOnlyList<string>?)_repairs ?? Array.Empty<string>();

    /// <summary>The JSON path of the value being read, such as <c>$.ingredients[2].quantity</c>.</summary>
    public string CurrentPath => FormatPath(null);

    /// <summary>Enters a property of the current object.</summary>
    /// <param name="jsonName">The property's JSON name.</param>
    public void EnterProperty(string jsonName) => Push(new PathSegment(jsonName, -1));

    /// <summary>Enters an element of the current array.</summary>
    /// <param name="index">The element's index.</param>
    public void EnterIndex(int index) => Push(new PathSegment(null, index));

    /// <summary>Leaves the property or element last entered.</summary>
    public void Exit() => _depth--;

    /// <summary>
    /// Called on a property name token of a known member: reports a duplicate (and skips its value), or marks the
    /// member as seen, enters it and moves the reader to its value.
    /// </summary>
    /// <param name="reader">The reader, on the property name.</param>
    /// <param name="jsonName">The member's JSON name.</param>
    /// <param name="seen">Whether the member was already read in this object.</param>
    /// <returns><see langword="true"/> when the caller should read the value and then call <see cref="Exit"/>.</returns>
    public bool EnterMember(ref Utf8JsonReader reader, string jsonName, ref bool seen)
    {
        EnterProperty(jsonName);
        if (seen)
        {
            reader.Read();
            AddError(ExtractionErrorKind.DuplicateProperty, $"expected once per object, found again with {Describe(ref reader)}");
            Exit();
            reader.Skip();
            return false;
        }

        seen = true;
        reader.Read();
        return true;
    }

    /// <summary>Skips the value of a property that the type does not have, and records it as a repair.</summary>
    /// <param name="reader">The reader, on the property name.</param>
    public void SkipUnknownMember(ref Utf8JsonReader reader)
    {
        string name = reader.GetString() ?? string.Empty;
        AddRepair($"Ignored the unknown property {FormatPath(name)}.");
        reader.Skip();
    }

    /// <summary>Reports a required member that the object lacks.</summary>
    /// <param name="jsonName">The member's JSON name.</param>
    /// <param name="expected">What its value should have been, such as "a string".</param>
    public void ReportMissing(string jsonName, string expected)
    {
        EnterProperty(jsonName);
        AddError(ExtractionErrorKind.MissingProperty, $"is required but missing; expected {expected}");
        Exit();
    }

    /// <summary>Records that a missing nullable member was taken as null.</summary>
    /// <param name="jsonName">The member's JSON name.</param>
    public void ReportMissingAsNull(string jsonName) =>
        AddRepair($"Took the missing property {FormatPath(jsonName)} as null.");

    /// <summary>
    /// Reports a value of the wrong JSON kind (or a null where none is allowed) at the current path and skips it.
    /// </summary>
    /// <param name="reader">The reader, on the offending value.</param>
    /// <param name="expected">What was expected, such as "an integer".</param>
    /// <returns>Always <see langword="false"/>, so that readers can return it.</returns>
    public bool ReportWrongKind(ref Utf8JsonReader reader, string expected)
    {
        var kind = reader.TokenType == JsonTokenType.Null ? ExtractionErrorKind.NullNotAllowed : ExtractionErrorKind.WrongKind;
        AddError(kind, $"expected {Expected(ref reader, expected)}, found {Describe(ref reader)}");
        reader.Skip();
        return false;
    }

    /// <summary>Marks the value under the reader as one that may be null, so that errors about it say so.</summary>
    /// <param name="reader">The reader, on the value.</param>
    public void MarkNullable(ref Utf8JsonReader reader) => _nullableTokenStart = reader.TokenStartIndex;

    /// <summary>What the value under the reader should be, with "or null" when null is allowed there.</summary>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="expected">What a non-null value should be, such as "an integer".</param>
    /// <returns>The expectation as an error message states it.</returns>
    public string Expected(ref Utf8JsonReader reader, string expected) =>
        reader.TokenStartIndex == _nullableTokenStart ? expected + " or null" : expected;

    /// <summary>Reports that the type's constructor or initializer threw for the values read.</summary>
    /// <param name="exception">What it threw.</param>
    /// <returns>Always <see langword="false"/>.</returns>
    public bool ReportConstructionFailed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string reason = exception.Message.ReplaceLineEndings(" ");
        AddError(ExtractionErrorKind.ConstructionFailed, "was rejected by the type: " + (reason.Length <= 200 ? reason : reason.Substring(0, 200) + "…"));
        return false;
    }

    /// <summary>Adds an error at the current path.</summary>
    /// <param name="kind">The kind of error.</param>
    /// <param name="message">What was expected and what was found.</param>
    public void AddError(ExtractionErrorKind kind, string message) => AddErrorAt(CurrentPath, kind, message);

    /// <summary>Adds an error at a given path.</summary>
    /// <param name="path">The JSON path.</param>
    /// <param name="kind">The kind of error.</param>
    /// <param name="message">What was expected and what was found.</param>
    public void AddErrorAt(string path, ExtractionErrorKind kind, string message)
    {
        _errorCount++;
        _errors ??= new List<ExtractionError>();
        if (_errors.Count < MaxListedErrors)
        {
            _errors.Add(new ExtractionError(path, kind, message));
        }
    }

    /// <summary>Records a lenient fix applied to the answer.</summary>
    /// <param name="description">What was fixed, in a sentence.</param>
    public void AddRepair(string description) => (_repairs ??= new List<string>()).Add(description);

    /// <summary>Describes the value under the reader for an error message, bounded in length.</summary>
    /// <param name="reader">The reader, on a value token.</param>
    /// <returns>Text such as <c>"four"</c>, <c>2.5</c>, <c>null</c>, <c>an object</c>.</returns>
    public static string Describe(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return "an object";
            case JsonTokenType.StartArray:
                return "an array";
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.Null:
                return "null";
            case JsonTokenType.Number:
                return Excerpt(Encoding.UTF8.GetString(reader.ValueSpan), quote: false);
            case JsonTokenType.String:
                string text;
                try
                {
                    text = reader.GetString() ?? string.Empty;
                }
                catch (InvalidOperationException)
                {
                    text = Encoding.UTF8.GetString(reader.ValueSpan);
                }

                return Excerpt(text, quote: true);
            default:
                return reader.TokenType.ToString();
        }
    }

    /// <summary>Bounds a piece of found text for an error message.</summary>
    /// <param name="text">The text.</param>
    /// <param name="quote">Whether to show it as a JSON string.</param>
    /// <returns>At most about 60 characters.</returns>
    public static string Excerpt(string text, bool quote)
    {
        const int max = 60;
        string cut = text.Length > max ? text.Substring(0, max) + "…" : text;
        if (!quote)
        {
            return cut;
        }

        var sb = new StringBuilder(cut.Length + 2).Append('"');
        foreach (char c in cut)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Forgets which value was marked nullable (<see cref="MarkNullable"/>): a reader that reads values one by one, each
    /// over its own bytes (so that token offsets repeat), calls it before each value.
    /// </summary>
    internal void ForgetNullable() => _nullableTokenStart = -1;

    /// <summary>The state of the context, to go back to with <see cref="Restore"/>.</summary>
    internal Mark Save() => new(_errorCount, _errors?.Count ?? 0, _repairs?.Count ?? 0, _depth, _nullableTokenStart);

    /// <summary>Forgets what was recorded since <paramref name="mark"/> (a read that is done again another way).</summary>
    internal void Restore(Mark mark)
    {
        _errorCount = mark.ErrorCount;
        if (_errors is not null && _errors.Count > mark.Listed)
        {
            _errors.RemoveRange(mark.Listed, _errors.Count - mark.Listed);
        }

        if (_repairs is not null && _repairs.Count > mark.Repairs)
        {
            _repairs.RemoveRange(mark.Repairs, _repairs.Count - mark.Repairs);
        }

        _depth = mark.Depth;
        _nullableTokenStart = mark.NullableTokenStart;
    }

    /// <summary>A saved state of the context.</summary>
    internal readonly record struct Mark(int ErrorCount, int Listed, int Repairs, int Depth, long NullableTokenStart);

    private void Push(PathSegment segment)
    {
        if (_depth == _path.Length)
        {
            Array.Resize(ref _path, _path.Length * 2);
        }

        _path[_depth++] = segment;
    }

    private string FormatPath(string? extraProperty)
    {
        var sb = new StringBuilder(JsonPath.Root);
        for (int i = 0; i < _depth; i++)
        {
            PathSegment segment = _path[i];
            _ = segment.Name is null ? JsonPath.AppendIndex(sb, segment.Index) : JsonPath.AppendProperty(sb, segment.Name);
        }

        return extraProperty is null ? sb.ToString() : JsonPath.AppendProperty(sb, extraProperty).ToString();
    }

    private readonly record struct PathSegment(string? Name, int Index);
}
