using System.ComponentModel;
using System.Text.Json;

namespace StructuredOutput.Writing;

/// <summary>
/// Writes one value of type <typeparamref name="T"/> as the contract names and formats it: null as JSON null, anything
/// else as the one JSON value the generated reader reads back to it. A value the contract has no JSON for (an undefined
/// enum value, a non-finite number, a relative URI, text that is not valid UTF-16) throws
/// <see cref="System.ArgumentException"/> naming its JSON path. The shape of the writers generated code calls and
/// implements, not a user API.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="writer">The writer.</param>
/// <param name="value">The value.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void JsonValueWriter<in T>(Utf8JsonWriter writer, T value);
