using StructuredOutput;

namespace Broken;

/// <summary>Not partial: LLMX001.</summary>
[LlmExtract]
public record NotPartial(string Name);

/// <summary>A member of a type extraction does not support: LLMX002.</summary>
[LlmExtract]
public partial record UnsupportedMember(string Name, System.IO.Stream Body);
