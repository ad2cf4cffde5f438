namespace StructuredOutput.Generator.Model;

/// <summary>The rule for a <c>json_schema</c> name: the parser reports a name that breaks it, the emitter repairs one.</summary>
internal static class SchemaNames
{
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="c"/> may appear in a schema name (<c>[A-Za-z0-9_-]</c>).</summary>
    public static bool IsValidCharacter(char c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

    /// <summary>Whether <paramref name="name"/> can be sent as a <c>json_schema</c> name (<c>^[A-Za-z0-9_-]{1,64}$</c>).</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsValidCharacter(c))
            {
                return false;
            }
        }

        return true;
    }
}
