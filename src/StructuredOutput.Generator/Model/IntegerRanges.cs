namespace StructuredOutput.Generator.Model;

/// <summary>The range of each integer <see cref="ValueKind"/>: the parser checks constants against it, the schema states it.</summary>
internal static class IntegerRanges
{
    public static (decimal Min, decimal Max) Of(ValueKind kind) => kind switch
    {
        ValueKind.SByte => (sbyte.MinValue, sbyte.MaxValue),
        ValueKind.Byte => (byte.MinValue, byte.MaxValue),
        ValueKind.Int16 => (short.MinValue, short.MaxValue),
        ValueKind.UInt16 => (ushort.MinValue, ushort.MaxValue),
        ValueKind.Int32 => (int.MinValue, int.MaxValue),
        ValueKind.UInt32 => (uint.MinValue, uint.MaxValue),
        ValueKind.Int64 => (long.MinValue, long.MaxValue),
        _ => (ulong.MinValue, ulong.MaxValue),
    };

    public static bool Contains(ValueKind kind, decimal value)
    {
        var (min, max) = Of(kind);
        return value >= min && value <= max;
    }
}
