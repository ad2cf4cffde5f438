using System;
using System.Text.Json;

namespace StructuredOutput.Reading;

// Unions: which listed type an object is, by its discriminator property.
public static partial class JsonReaders
{
    /// <summary>
    /// Finds which listed type of a union the object under the reader is, by its discriminator property wherever it
    /// stands in the object. A copy of the reader looks ahead (the whole answer is in memory), so the caller's reader
    /// stays on the object's start and the listed type's reader then reads the object once; when the discriminator
    /// comes first, as it usually does, the look-ahead reads two tokens. A discriminator matched ignoring case and
    /// punctuation is a repair. A discriminator that is missing, not a string, or none of the listed values is reported
    /// at its path with the allowed values, and the object is skipped.
    /// </summary>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="map">The union's discriminator.</param>
    /// <returns>The index of the listed type, or -1 when the error has been recorded and the value skipped.</returns>
    public static int ReadDiscriminator(ref Utf8JsonReader reader, JsonReadContext context, JsonUnionMap map)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(map);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            context.ReportWrongKind(ref reader, ExpectedValues.Object);
            return -1;
        }

        Utf8JsonReader ahead = reader;
        try
        {
            while (ahead.Read() && ahead.TokenType == JsonTokenType.PropertyName)
            {
                if (map.IsDiscriminator(ref ahead))
                {
                    ahead.Read();
                    context.EnterProperty(map.PropertyName);
                    int index = MatchDiscriminator(ref ahead, context, map);
                    context.Exit();
                    if (index < 0)
                    {
                        reader.Skip();
                    }

                    return index;
                }

                ahead.Read();
                ahead.Skip();
            }
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape in a name or string: the parser reports it where the reader stands.
            reader = ahead;
            throw;
        }

        context.ReportMissing(map.PropertyName, map.Expected);
        reader.Skip();
        return -1;
    }

    private static int MatchDiscriminator(ref Utf8JsonReader reader, JsonReadContext context, JsonUnionMap map)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            context.ReportWrongKind(ref reader, map.Expected);
            return -1;
        }

        int index = map.Match(ref reader);
        if (index >= 0)
        {
            return index;
        }

        index = map.MatchLoosely(ref reader, out string? value);
        if (index >= 0)
        {
            context.AddRepair($"Read {JsonReadContext.Describe(ref reader)} at {context.CurrentPath} as the discriminator \"{value}\" (the only one it matches ignoring case and punctuation).");
            return index;
        }

        context.AddError(ExtractionErrorKind.UnknownDiscriminator, $"expected {map.Expected}, found {JsonReadContext.Describe(ref reader)}");
        return -1;
    }
}
