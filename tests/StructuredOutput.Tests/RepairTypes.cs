using System.Collections.Generic;
using StructuredOutput;

namespace StructuredOutput.Tests;

/// <summary>The target of most repair tests: one member of each common kind.</summary>
[LlmExtract]
public partial record Dish(string Name, int Servings, bool Vegetarian, List<string> Tags, double? Rating);
