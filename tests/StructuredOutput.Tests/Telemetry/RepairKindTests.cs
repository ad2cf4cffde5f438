using System.Collections.Generic;
using System.Linq;
using StructuredOutput.Telemetry;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>Each repair the reading stages report falls into one kind of the repairs metric's small vocabulary.</summary>
public class RepairKindTests
{
    public static TheoryData<string, string> Descriptions => new()
    {
        { "Took the JSON out of a markdown code fence.", "code_fence" },
        { "Ignored text before the JSON object.", "surrounding_text" },
        { "Ignored text after the JSON object.", "surrounding_text" },
        { "Ignored stray closing brackets or commas after the JSON object.", "surrounding_text" },
        { "Removed a byte-order mark before the JSON.", "surrounding_text" },
        { "Took the only object out of a top-level JSON array.", "array_unwrapped" },
        { "Unescaped JSON that was written as the content of a string (\\\" for every quote).", "string_encoded_json" },
        { "Took the only reading that fits the expected type: the text is ambiguous.", "ambiguity_resolved" },
        { "Removed a trailing comma at $.tags.", "comma" },
        { "Inserted a missing colon after the property name $.name.", "colon" },
        { "Replaced '}' with ']' to close $.tags.", "bracket" },
        { "Read the special space U+00A0 at $.name as a space.", "whitespace" },
        { "Read 3 special spaces (such as U+00A0) between $.a and $.b as spaces.", "whitespace" },
        { "Replaced the invalid escape \\' with ' in the string at $.name.", "escape" },
        { "Replaced the single quotes around the string at $.name with double quotes.", "quote" },
        { "Replaced True with true at $.vegetarian.", "literal" },
        { "Read the string \"true\" at $.ok as true.", "coercion" },
        { "Read \"DARK-mode\" at $.theme as the enum value \"DarkMode\" (the only one it matches ignoring case and punctuation).", "coercion" },
        { "Took the single value at $.tags as a list of one item.", "coercion" },
        { "Read the string \"12\" at $.count as a number.", "coercion" },
        { "Dropped the offset +02:00 from the time of day at $.at.", "coercion" },
        { "Read the leap second at $.at as the last tick of the second before it (.NET times cannot hold a 60th second).", "coercion" },
        { "Dropped the repeated set item $.tags[2].", "coercion" },
        { "Ignored the unknown property $.colour.", "unknown_property" },
        { "Took the missing property $.rating as null.", "missing_as_null" },
        { "Read the tuple at $.tags as an array.", "wrapper" },
        { "Something the table does not know.", "other" },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void Each_wording_has_its_kind(string description, string kind)
    {
        Assert.Equal(kind, RepairKinds.Classify(description, out long count));
        Assert.Equal(1, count);
    }

    [Fact]
    public void The_closing_count_of_unlisted_repairs_stands_for_that_many()
    {
        Assert.Equal("unlisted", RepairKinds.Classify("73 more repairs are not listed.", out long count));
        Assert.Equal(73, count);
    }

    [Fact]
    public void Every_repair_of_the_repair_corpus_has_a_kind()
    {
        var unknown = new List<string>();
        int seen = 0;
        foreach (object[] row in RepairTests.Repairs)
        {
            foreach (string repair in LlmContract<Dish>.Parse((string)row[0]).Repairs)
            {
                seen++;
                if (RepairKinds.Classify(repair, out _) == RepairKinds.Other)
                {
                    unknown.Add(repair);
                }
            }
        }

        Assert.True(seen > 50, $"only {seen} repairs seen");
        Assert.Empty(unknown);
    }

    [Fact]
    public void The_kinds_of_the_repair_corpus_are_many_not_one()
    {
        var kinds = RepairTests.Repairs
            .SelectMany(row => LlmContract<Dish>.Parse((string)((object[])row)[0]).Repairs)
            .Select(r => RepairKinds.Classify(r, out _))
            .Distinct()
            .ToList();

        Assert.True(kinds.Count >= 12, string.Join(", ", kinds));
    }
}
