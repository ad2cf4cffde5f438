using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json.Serialization;
using StructuredOutput;

namespace StructuredOutput.Tests;

public enum Color
{
    Red,
    Green,
    [Description("Deep blue only.")]
    Blue,
}

[LlmExtract(Instructions = "Extract the scalars.")]
public partial record AllScalars(string Text, bool Flag, int Count, long Big, double Ratio, decimal Price, Color Color);

[LlmExtract]
public partial record Nullables(
    string? Text,
    bool? Flag,
    int? Count,
    long? Big,
    double? Ratio,
    decimal? Price,
    Color? Color,
    Inner? Inner,
    List<int>? Numbers);

public record Inner(string Label, int Value);

public class Person
{
    public string Name { get; set; } = string.Empty;

    public int Age { get; init; }

    public required List<string> Tags { get; set; }

    /// <summary>Computed: not part of the contract.</summary>
    public string Display => Name + " (" + Age + ")";
}

[LlmExtract]
public partial record Collections(
    List<Inner> Items,
    Inner[] Array,
    IReadOnlyList<string> Names,
    IList<int> Numbers,
    List<List<int>> Matrix,
    List<int?> Sparse,
    List<string?> MaybeNames,
    Color[] Colors,
    Person Person);

/// <summary>A settable class as the root.</summary>
[LlmExtract]
public partial class Profile
{
    [JsonPropertyName("full_name")]
    public string FullName { get; set; } = string.Empty;

    public int Age { get; set; }

    [JsonIgnore]
    public string Secret { get; set; } = "unset";

    public Inner? Favourite { get; set; }
}

[LlmExtract]
public partial record struct Point(int X, int Y);

[LlmExtract]
public partial record TreeNode(string Label, List<TreeNode> Children);

/// <summary>Members named like the contract's own members must not collide with it.</summary>
[LlmExtract]
public partial record ChatTurn(string Prompt, string Answer)
{
    public static string JsonSchema => "mine";

    public static int Parse(string text) => text.Length;
}

/// <summary>A record whose constructor validates its values.</summary>
[LlmExtract]
public partial record Percentage(int Value)
{
    public int Value { get; } = Value is >= 0 and <= 100 ? Value : throw new ArgumentOutOfRangeException(nameof(Value), "must be from 0 to 100");
}

public class Entity
{
    public string Id { get; set; } = string.Empty;
}

/// <summary>Members inherited from a base class are part of the contract, base members first.</summary>
[LlmExtract]
public partial class Customer : Entity
{
    public required string Email { get; init; }
}

public abstract record Animal(string Name);

[LlmExtract]
public partial record Dog(string Name, bool GoodBoy) : Animal(Name);

public enum Mode
{
    [JsonStringEnumMemberName("a-b")]
    Hyphen,
    [JsonStringEnumMemberName("a_b")]
    Underscore,
}

[LlmExtract]
public partial record Ambiguity(Mode Mode);

[LlmExtract]
public partial record Tagged(string Name, List<string> Tags);
