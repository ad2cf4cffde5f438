namespace StructuredOutput.Generator.Model;

/// <summary>The shape of a member's type.</summary>
internal enum ValueKind
{
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    Decimal,
    Enum,
    Object,
    Collection,
}

/// <summary>How a collection is declared in C#.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
    IList,
    IReadOnlyList,
}

/// <summary>A member's type, reduced to what the emitters need.</summary>
/// <param name="Kind">The value's shape.</param>
/// <param name="IsNullable">Whether null is allowed (<c>Nullable&lt;T&gt;</c> or an annotated reference type).</param>
/// <param name="Target">For enums and objects, the fully qualified name of the <see cref="EnumModel"/> or <see cref="ObjectModel"/>.</param>
/// <param name="Collection">For collections, how it is declared.</param>
/// <param name="Element">For collections, the element type.</param>
/// <param name="IsValueType">Whether the C# type is a value type (so null is <c>Nullable&lt;T&gt;</c>).</param>
internal sealed record TypeRef(
    ValueKind Kind,
    bool IsNullable,
    string? Target,
    CollectionKind Collection,
    TypeRef? Element,
    bool IsValueType)
{
    public TypeRef AsNonNullable() => IsNullable ? this with { IsNullable = false } : this;
}
