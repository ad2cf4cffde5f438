namespace StructuredOutput.Generator.Parsing;

/// <summary>JSON names from C# names, as System.Text.Json's camel-case policy makes them.</summary>
internal static class JsonNaming
{
    /// <summary>"Name" → "name", "URL" → "url", "IOStream" → "ioStream", "TotalMinutes" → "totalMinutes".</summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        char[] chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            bool nextIsLower = i + 1 < chars.Length && !char.IsUpper(chars[i + 1]);
            if (i > 0 && nextIsLower)
            {
                // The last capital of a run starts the next word ("IOStream" → "ioStream"), unless a space follows.
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }
}
