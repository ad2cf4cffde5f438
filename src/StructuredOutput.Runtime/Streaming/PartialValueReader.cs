using System.ComponentModel;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Streaming;

/// <summary>
/// Reads one complete value of a member or list item, the way the type's parser reads it (the same conversions,
/// defaults and validation), and returns it boxed. Emitted by the generator, not a user API.
/// </summary>
/// <param name="reader">A reader on the value's first token.</param>
/// <param name="context">Where errors are reported, at the member's JSON path.</param>
/// <param name="value">The value read, boxed; null when it is null or could not be read.</param>
/// <returns>Whether the value was read without an error.</returns>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate bool PartialValueReader(ref Utf8JsonReader reader, JsonReadContext context, out object? value);
