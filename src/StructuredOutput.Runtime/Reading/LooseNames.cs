using System;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>Names compared without case, spaces and punctuation: the loose match of enum values and discriminators.</summary>
internal static class LooseNames
{
    /// <summary>The letters and digits of <paramref name="text"/>, lower-cased.</summary>
    public static string Of(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The index of the one name in <paramref name="looseNames"/> equal to the loose form of the string under the reader,
    /// or -1 when none or several are.
    /// </summary>
    public static int FindOne(ref Utf8JsonReader reader, string[] looseNames)
    {
        string text;
        try
        {
            text = reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }

        string loose = Of(text);
        if (loose.Length == 0)
        {
            return -1;
        }

        int found = -1;
        for (int i = 0; i < looseNames.Length; i++)
        {
            if (string.Equals(looseNames[i], loose, StringComparison.Ordinal))
            {
                if (found >= 0)
                {
                    return -1; // ambiguous: no guess between names
                }

                found = i;
            }
        }

        return found;
    }
}
