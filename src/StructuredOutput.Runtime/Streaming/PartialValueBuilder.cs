using System.ComponentModel;
using StructuredOutput.Reading;

namespace StructuredOutput.Streaming;

/// <summary>
/// Builds the value of a complete partial view from the values its members were read into while the answer streamed,
/// without reading the answer again. Emitted by the generator; not a user API.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="view">The complete view.</param>
/// <param name="context">Receives a failure of the type's constructor or of its own rules.</param>
/// <param name="value">The value.</param>
/// <returns>Whether the value was built without error.</returns>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate bool PartialValueBuilder<T>(PartialObject view, JsonReadContext context, out T value);
