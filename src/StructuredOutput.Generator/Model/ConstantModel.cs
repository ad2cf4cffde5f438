namespace StructuredOutput.Generator.Model;

/// <summary>What a <see cref="ConstantModel"/> holds.</summary>
internal enum ConstantKind
{
    /// <summary>The null literal (or <c>default</c>).</summary>
    Null,

    /// <summary>A string; <see cref="ConstantModel.Value"/> is the text itself.</summary>
    String,

    /// <summary>A character; <see cref="ConstantModel.Value"/> is a one-character string.</summary>
    Char,

    /// <summary>A boolean; <see cref="ConstantModel.Value"/> is <c>"true"</c> or <c>"false"</c>.</summary>
    Boolean,

    /// <summary>
    /// A number, as invariant text (<c>"-3"</c>, <c>"0.5"</c>, <c>"1E+20"</c>; <c>"NaN"</c>, <c>"Infinity"</c> and
    /// <c>"-Infinity"</c> for floating point). For an enum-typed member, a value that names no member.
    /// </summary>
    Number,

    /// <summary>A member of the enum the value's type names; <see cref="ConstantModel.Value"/> is its C# name.</summary>
    EnumMember,
}

/// <summary>
/// A constant of the contract (the default of an optional constructor parameter, or one value of
/// <c>[AllowedValues]</c> or <c>[DeniedValues]</c>) as a typed value. The emitters render it as C# or JSON, in the
/// type of the member it belongs to.
/// </summary>
/// <param name="Kind">What the constant is.</param>
/// <param name="Value">Its value as described for each <see cref="ConstantKind"/>; null for <see cref="ConstantKind.Null"/>.</param>
internal sealed record ConstantModel(ConstantKind Kind, string? Value)
{
    public static readonly ConstantModel Null = new(ConstantKind.Null, null);
}
