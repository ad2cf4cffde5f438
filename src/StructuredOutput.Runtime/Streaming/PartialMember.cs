using System;
using System.ComponentModel;
using System.Text;

namespace StructuredOutput.Streaming;

/// <summary>How a member or list item fills in while the answer streams.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum PartialKind
{
    /// <summary>Appears once complete and valid: numbers, booleans, enums, formatted strings, dictionaries, unions, sets, nested lists.</summary>
    Value,

    /// <summary>A plain string: its text so far shows while it is written, and it is validated when it closes.</summary>
    Text,

    /// <summary>An object: its own view fills in member by member.</summary>
    Object,

    /// <summary>A list: a <see cref="PartialList{TItem}"/> that fills in item by item.</summary>
    List,
}

/// <summary>One member of a <see cref="PartialShape"/>. Emitted by the generator; not a user API.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PartialMember
{
    private PartialMember(PartialKind kind, string memberName, string jsonName, bool required, string expected, PartialValueReader read, Func<PartialObject>? createObject, PartialElement? element, bool readWhenClosed = false, bool plainString = false)
    {
        ReadWhenClosed = readWhenClosed;
        IsPlainString = plainString;
        ArgumentNullException.ThrowIfNull(memberName);
        ArgumentNullException.ThrowIfNull(jsonName);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(read);
        Kind = kind;
        MemberName = memberName;
        JsonName = jsonName;
        Utf8JsonName = Encoding.UTF8.GetBytes(jsonName);
        IsRequired = required;
        Expected = expected;
        Read = read;
        CreateObject = createObject;
        Element = element;
    }

    /// <summary>How the member fills in.</summary>
    public PartialKind Kind { get; }

    /// <summary>The member's C# name.</summary>
    public string MemberName { get; }

    /// <summary>The member's JSON name.</summary>
    public string JsonName { get; }

    /// <summary>Whether the parser reports the member as missing when the object closes without it.</summary>
    public bool IsRequired { get; }

    /// <summary>What the member's value should be, as the missing-member error words it (such as "a string").</summary>
    public string Expected { get; }

    /// <summary>Reads the member's complete value, with the member's defaults and validation.</summary>
    public PartialValueReader Read { get; }

    /// <summary>For <see cref="PartialKind.Object"/>: creates the member's empty view.</summary>
    public Func<PartialObject>? CreateObject { get; }

    /// <summary>
    /// For <see cref="PartialKind.Object"/> and <see cref="PartialKind.List"/>: whether the value has rules of its own
    /// beyond its members' or items' (a count or uniqueness constraint of a list, an object's
    /// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules), so that <see cref="Read"/> must read it
    /// whole when it closes to validate it.
    /// </summary>
    public bool ReadWhenClosed { get; }

    /// <summary>For <see cref="PartialKind.List"/>: the list's items.</summary>
    public PartialElement? Element { get; }

    /// <summary>
    /// For <see cref="PartialKind.Text"/>: whether the member has no checks of its own, so that a JSON string is read as
    /// <c>JsonReaders.ReadString</c> reads it (see <see cref="PlainText"/>).
    /// </summary>
    public bool IsPlainString { get; }

    /// <summary>Whether the member may be left out, taking <see cref="DefaultValue"/> (see <see cref="WithDefault"/>).</summary>
    public bool HasDefault { get; private set; }

    /// <summary>The value of the member when it is left out, as <c>Parse</c> gives it; meaningful when <see cref="HasDefault"/>.</summary>
    public object? DefaultValue { get; private set; }

    /// <summary>For a dictionary or a set: the reader of one entry's value, each judged as it closes; otherwise null.</summary>
    public PartialValueReader? Entries { get; private init; }

    /// <summary>Whether <see cref="Entries"/> are a JSON object's keyed values (a dictionary) rather than an array's items (a set).</summary>
    public bool EntriesKeyed { get; private init; }

    internal byte[] Utf8JsonName { get; }

    /// <summary>A member shown once complete and valid.</summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value.</param>
    /// <returns>The member.</returns>
    public static PartialMember Value(string memberName, string jsonName, bool required, string expected, PartialValueReader read) =>
        new(PartialKind.Value, memberName, jsonName, required, expected, read, null, null);

    /// <summary>
    /// A dictionary or a set shown once complete and valid, whose entries (a dictionary's values, a set's items) are each
    /// judged as they close, so that an invalid one is reported before the whole value ends.
    /// </summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value.</param>
    /// <param name="entries">Reads one entry's value, as the whole value's reader reads each.</param>
    /// <param name="keyed">Whether the value is a JSON object of keyed entries (a dictionary) rather than an array (a set).</param>
    /// <returns>The member.</returns>
    public static PartialMember Value(string memberName, string jsonName, bool required, string expected, PartialValueReader read, PartialValueReader entries, bool keyed)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new(PartialKind.Value, memberName, jsonName, required, expected, read, null, null) { Entries = entries, EntriesKeyed = keyed };
    }

    /// <summary>A string member shown as it grows, validated when it closes.</summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value.</param>
    /// <returns>The member.</returns>
    public static PartialMember Text(string memberName, string jsonName, bool required, string expected, PartialValueReader read) =>
        new(PartialKind.Text, memberName, jsonName, required, expected, read, null, null);

    /// <summary>
    /// A string member with no checks of its own, shown as it grows: a JSON string is read as its reader reads one, by
    /// <c>JsonReaders.ReadString</c>, without the call through <paramref name="read"/> (which reads anything else: a
    /// null, a value of the wrong kind).
    /// </summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value.</param>
    /// <returns>The member.</returns>
    public static PartialMember PlainText(string memberName, string jsonName, bool required, string expected, PartialValueReader read) =>
        new(PartialKind.Text, memberName, jsonName, required, expected, read, null, null, plainString: true);

    /// <summary>An object member with its own view.</summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value (used for a null or a value of the wrong kind).</param>
    /// <param name="create">Creates the member's empty view.</param>
    /// <param name="readWhenClosed">Whether the object has rules of its own (see <see cref="ReadWhenClosed"/>).</param>
    /// <returns>The member.</returns>
    public static PartialMember Object(string memberName, string jsonName, bool required, string expected, PartialValueReader read, Func<PartialObject> create, bool readWhenClosed)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new(PartialKind.Object, memberName, jsonName, required, expected, read, create, null, readWhenClosed);
    }

    /// <summary>A list member filled in item by item.</summary>
    /// <param name="memberName">The C# name.</param>
    /// <param name="jsonName">The JSON name.</param>
    /// <param name="required">Whether a missing member is an error.</param>
    /// <param name="expected">The missing-member wording of its value.</param>
    /// <param name="read">Reads the complete value (used for a null, a value of the wrong kind, and a list with rules of its own when it closes).</param>
    /// <param name="element">The list's items.</param>
    /// <param name="readWhenClosed">Whether the list has rules of its own (see <see cref="ReadWhenClosed"/>).</param>
    /// <returns>The member.</returns>
    public static PartialMember List(string memberName, string jsonName, bool required, string expected, PartialValueReader read, PartialElement element, bool readWhenClosed)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(PartialKind.List, memberName, jsonName, required, expected, read, null, element, readWhenClosed);
    }

    /// <summary>
    /// This member, with the value it takes when the answer leaves it out (its declared default, boxed as its type):
    /// the view shows it complete with that value, as <c>Parse</c> gives it, without a note.
    /// </summary>
    /// <param name="value">The default.</param>
    /// <returns>A copy of the member that has the default.</returns>
    public PartialMember WithDefault(object? value)
    {
        var copy = (PartialMember)MemberwiseClone();
        copy.HasDefault = true;
        copy.DefaultValue = value;
        return copy;
    }
}

/// <summary>The items of a list member of a <see cref="PartialShape"/>. Emitted by the generator; not a user API.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PartialElement
{
    private PartialElement(PartialKind kind, Type itemType, PartialValueReader read, Func<PartialObject>? createObject, Func<object> createList, bool plainString = false)
    {
        ArgumentNullException.ThrowIfNull(read);
        IsPlainString = plainString;
        Kind = kind;
        ItemType = itemType;
        Read = read;
        CreateObject = createObject;
        CreateList = createList;
    }

    /// <summary>How each item fills in: <see cref="PartialKind.Value"/>, <see cref="PartialKind.Text"/> or <see cref="PartialKind.Object"/>.</summary>
    public PartialKind Kind { get; }

    /// <summary>The C# type of a complete item as <see cref="Read"/> returns it (the element type of the member).</summary>
    public Type ItemType { get; }

    /// <summary>Reads one complete item, with the element's validation.</summary>
    public PartialValueReader Read { get; }

    /// <summary>For <see cref="PartialKind.Object"/>: creates an item's empty view.</summary>
    public Func<PartialObject>? CreateObject { get; }

    /// <summary>
    /// For <see cref="PartialKind.Text"/>: whether an item that is a JSON string is read as <c>JsonReaders.ReadString</c>
    /// reads it (see <see cref="PlainText"/>).
    /// </summary>
    public bool IsPlainString { get; }

    /// <summary>Creates the member's empty <see cref="PartialList{TItem}"/>.</summary>
    internal Func<object> CreateList { get; }

    /// <summary>Items shown once complete and valid.</summary>
    /// <typeparam name="TItem">The element type.</typeparam>
    /// <param name="read">Reads one complete item.</param>
    /// <returns>The element.</returns>
    public static PartialElement Value<TItem>(PartialValueReader read) =>
        new(PartialKind.Value, typeof(TItem), read, null, static () => new PartialList<TItem>());

    /// <summary>String items shown as they grow.</summary>
    /// <param name="read">Reads one complete item.</param>
    /// <returns>The element.</returns>
    public static PartialElement Text(PartialValueReader read) =>
        new(PartialKind.Text, typeof(string), read, null, static () => new PartialList<string?>());

    /// <summary>
    /// String items shown as they grow, whose reader reads a JSON string by <c>JsonReaders.ReadString</c>: such an item is
    /// read that way without the call through <paramref name="read"/> (which reads anything else).
    /// </summary>
    /// <param name="read">Reads one complete item.</param>
    /// <returns>The element.</returns>
    public static PartialElement PlainText(PartialValueReader read) =>
        new(PartialKind.Text, typeof(string), read, null, static () => new PartialList<string?>(), plainString: true);

    /// <summary>Object items, each with its own view.</summary>
    /// <typeparam name="TItem">The element type (what <paramref name="read"/> returns).</typeparam>
    /// <typeparam name="TView">The element type's generated view.</typeparam>
    /// <param name="read">Reads one complete item.</param>
    /// <param name="create">Creates an item's empty view.</param>
    /// <returns>The element.</returns>
    public static PartialElement Object<TItem, TView>(PartialValueReader read, Func<TView> create)
        where TView : PartialObject
    {
        ArgumentNullException.ThrowIfNull(create);
        return new(PartialKind.Object, typeof(TItem), read, create, static () => new PartialList<TView>());
    }
}
