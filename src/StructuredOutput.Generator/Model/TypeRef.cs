namespace StructuredOutput.Generator.Model;

/// <summary>The shape of a member's type.</summary>
internal enum ValueKind
{
    String,
    Char,
    Boolean,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    TimeSpan,
    Guid,
    Uri,
    Enum,
    Object,
    Collection,
    Dictionary,
    Union,
}

/// <summary>How a collection or dictionary is declared in C#.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
    IList,
    IReadOnlyList,
    ICollection,
    IReadOnlyCollection,
    IEnumerable,
    ImmutableArray,
    HashSet,
    ISet,
    Dictionary,
    IDictionary,
    IReadOnlyDictionary,
}

/// <summary>A member's type, reduced to what the emitters need.</summary>
/// <param name="Kind">The value's shape.</param>
/// <param name="IsNullable">Whether null is allowed (<c>Nullable&lt;T&gt;</c> or an annotated reference type).</param>
/// <param name="Target">For enums, objects and unions, the fully qualified name of the <see cref="EnumModel"/>, <see cref="ObjectModel"/> or <see cref="UnionModel"/>.</param>
/// <param name="Collection">For collections and dictionaries, how it is declared.</param>
/// <param name="Element">For collections, the element type; for dictionaries, the value type (keys are strings).</param>
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

    public bool IsInteger => Kind is ValueKind.SByte or ValueKind.Byte or ValueKind.Int16 or ValueKind.UInt16
        or ValueKind.Int32 or ValueKind.UInt32 or ValueKind.Int64 or ValueKind.UInt64;

    public bool IsNumber => IsInteger || Kind is ValueKind.Single or ValueKind.Double or ValueKind.Decimal;

    /// <summary>The element type at the bottom of nested collections and dictionaries, or this type itself.</summary>
    public TypeRef Innermost
    {
        get
        {
            var type = this;
            while (type.Element is { } element)
            {
                type = element;
            }

            return type;
        }
    }

    /// <summary>Whether this type, or an element type at any depth, is a dictionary.</summary>
    public bool ContainsDictionary => Kind == ValueKind.Dictionary || (Element?.ContainsDictionary ?? false);
}
