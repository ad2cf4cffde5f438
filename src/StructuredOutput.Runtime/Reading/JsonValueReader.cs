using System.ComponentModel;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// Reads one JSON value of type <typeparamref name="T"/>. On entry the reader is on the value's first token; on exit it
/// is on its last (as with System.Text.Json converters). Problems are recorded in the context, never thrown. The shape
/// of the readers generated code calls and implements, not a user API.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="reader">The reader.</param>
/// <param name="context">The parse state.</param>
/// <param name="value">The value read; meaningful only when the method returns <see langword="true"/>.</param>
/// <returns>Whether the value was read without error.</returns>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate bool JsonValueReader<T>(ref Utf8JsonReader reader, JsonReadContext context, out T value);
