using System;
using System.Collections.Generic;

namespace StructuredOutput.Tests.Writing;

/// <summary>
/// A dictionary of numbers (so a bad value has a key in its path), a nullable member whose default is not null (so a
/// null must be written, not left out), an optional URI and character.
/// </summary>
[LlmExtract]
public partial record Measurement(
    string Sensor,
    Dictionary<string, double> Values,
    string? Unit = "kg",
    Uri? Source = null,
    char Grade = 'A');
