using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Json.Schema;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// Each format reader against its grammar, checked against an independent validator: every string is run through our
/// reader and through JsonSchema.Net's <c>format</c> validation (with format assertion on), and the two must agree,
/// except for the differences listed (and justified) in <see cref="Differences"/>, which must be real.
/// </summary>
public class FormatConformanceTests
{
    private static readonly Dictionary<string, JsonValueReader<bool>> Readers = new()
    {
        ["date-time (DateTimeOffset)"] = Wrap<DateTimeOffset>(JsonReaders.ReadDateTimeOffset),
        ["date-time (DateTime)"] = Wrap<DateTime>(JsonReaders.ReadDateTime),
        ["date"] = Wrap<DateOnly>(JsonReaders.ReadDateOnly),
        ["time"] = Wrap<TimeOnly>(JsonReaders.ReadTimeOnly),
        ["duration"] = Wrap<TimeSpan>(JsonReaders.ReadTimeSpan),
        ["uuid"] = Wrap<Guid>(JsonReaders.ReadGuid),
        ["uri"] = Wrap<Uri>(JsonReaders.ReadUri),
    };

    private static readonly string[] DateTimes =
    [
        "2024-05-01T10:00:00Z", "2024-05-01t10:00:00z", "2024-05-01 10:00:00Z", "2024-05-01T10:00:00.1Z",
        "2024-05-01T10:00:00.123456789123Z", "2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00-00:00",
        "2024-05-01T10:00:00.5-08:30", "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00", "2024-02-29T00:00:00Z",
        "2024-05-01T10:00:00+14:00", "9999-12-31T23:59:59Z", "2024-05-01T10:00:00+23:59",
        "2024-05-01T10:00Z", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00+0200", "2023-02-29T10:00:00Z",
        "2024-02-30T10:00:00Z", "2024-04-31T10:00:00Z", "2024-13-01T10:00:00Z", "2024-00-01T10:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T10:60:00Z", "2024-05-01T10:00:61Z", "1998-12-31T23:58:60Z",
        "1998-12-31T22:59:60Z", "2024-05-01T10:00:00+24:00", "2024-05-01T10:00:00+02:60", "2024-5-1T10:00:00Z",
        "2024-05-01T10:00:00", "2024-05-01", "2024-05-01T", "2024-05-01T10:00:00ZZ", "2024-05-01T10:00:00 Z",
        "2024-05-01_10:00:00Z", "２０２４-05-01T10:00:00Z", "2024-05-01T10:00:00.123", "not a date", "",
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        void Add(string reader, params string[] texts)
        {
            foreach (string text in texts)
            {
                data.Add(reader, text);
            }
        }

        Add("date-time (DateTimeOffset)", DateTimes);
        Add("date-time (DateTime)", DateTimes);
        Add(
            "date",
            "2024-02-29", "2000-02-29", "2024-12-31", "0001-01-01", "2024-01-31",
            "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2024-5-1",
            "2024-05-01T00:00:00Z", "20240501", "2024/05/01", " 2024-05-01", "2024-05-01 ", "2024-W18-3");
        Add(
            "time",
            "10:00:00Z", "10:00:00z", "10:00:00+02:00", "10:00:00.123456789-05:30", "23:59:60Z", "22:59:60-01:00",
            "00:00:00Z", "23:59:59.9999999999Z",
            "10:00", "10:00Z", "24:00:00Z", "10:60:00Z", "10:00:60Z", "10:00:00+24:00", "10:00:00.Z", "1:00:00Z",
            "10:00:00 Z", "10:00:00+0200", "noon", "10:00:00", "10:00:00.5", "23:59:60");
        Add(
            "duration",
            "P1D", "P0D", "PT0S", "PT1H", "PT1M", "PT36H", "P1DT12H", "P2W", "PT1H30M", "PT1H30S", "P1DT2H30M15S",
            "PT1H0.5M", "P10D",
            "P", "PT", "P1DT", "P1D2H", "P1W1D", "P1WT1H", "P2S", "PT1D", "pt1h", "p1d", "-P1D", "+PT1H", "P1", "1D",
            "PT1.5H30M", "P1H", "PT1H1H", "P1.D", "PT.5S", "P١D", "P1Y", "P1M", "P1Y2M3D", "PT1.5S", "PT1S1H", "1.02:30:00");
        Add(
            "uuid",
            "0f8fad5b-d9cb-469f-a165-70867728950e", "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8FAD5b-d9cb-469f-A165-70867728950e",
            "00000000-0000-0000-0000-000000000000", "98d80576-482e-f27c-a26b-03a6e3b9c2d3",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}", "(0f8fad5b-d9cb-469f-a165-70867728950e)", "0f8fad5bd9cb469fa16570867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5b-d9cb-469f-a165-70867728950g",
            "0f8fad5bd-9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469fa165-70867728950e",
            "{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}", " 0f8fad5b-d9cb-469f-a165-70867728950e");
        Add(
            "uri",
            "https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:John.Doe@example.com", "tel:+1-816-555-1212",
            "news:comp.infosystems.www.servers.unix", "ldap://[2001:db8::7]/c=GB?objectClass?one",
            "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com", "http://foo.bar/?q=Test%20URL-encoded%20stuff",
            "http://xn--nw2a.xn--j6w193g/", "http://223.255.255.254", "file:///etc/hosts", "HTTP://EXAMPLE.COM",
            "http://foo.com/blah_(wikipedia)_blah#cite-1", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
            "https://example.com:8080/", "ftp://user:pw@ftp.example.com/f.txt",
            "//foo.bar/?baz=qux#quux", "/abc", "\\\\WINDOWS\\fileshare", "abc", "http:// shouldfail.com", ":// should fail",
            "bar,baz:foo", "https://example.com/a b", "http://例え.jp/", "https://example.com/ä", "http://a:99999/",
            "1http://a/", "http://a/%zz", "http://a/#b#c", "http://a/b\\c", "http://a/<b>", "http://a/{b}");
        return data;
    }

    /// <summary>
    /// Where we differ from the validator on purpose: the reader's verdict, and why. Each entry is checked to be a real
    /// difference, so none outlives a fix.
    /// </summary>
    private static readonly Dictionary<(string Reader, string Text), (bool Ours, string Why)> Differences = new()
    {
        // RFC 3339 separates date and time with T (t, or a space per §5.6's note); the validator also takes '_'.
        [("date-time (DateTimeOffset)", "2024-05-01_10:00:00Z")] = (false, "'_' is not a separator in RFC 3339"),
        [("date-time (DateTime)", "2024-05-01_10:00:00Z")] = (false, "'_' is not a separator in RFC 3339"),
        [("date-time (DateTimeOffset)", "2024-05-01T10:00:00+23:59")] = (false, "DateTimeOffset holds offsets up to ±14:00 only; a DateTime takes it (converted to UTC)"),
        [("date-time (DateTime)", "2024-05-01T10:00:00")] = (true, "by design a DateTime without an offset is read as Unspecified"),
        [("date-time (DateTime)", "2024-05-01T10:00:00.123")] = (true, "by design a DateTime without an offset is read as Unspecified"),
        [("date-time (DateTime)", "2024-05-01")] = (true, "by design a date alone is read as midnight, Unspecified"),
        [("time", "10:00:00")] = (true, "by design a TimeOnly takes an RFC 3339 partial-time (no offset), which is all it can hold"),
        [("time", "10:00:00.5")] = (true, "by design a TimeOnly takes an RFC 3339 partial-time (no offset)"),
        [("time", "23:59:60")] = (true, "a partial-time leap second, read as 23:59:59.9999999 and reported"),
        [("duration", "P1Y")] = (false, "a TimeSpan cannot hold years, whose length is not fixed"),
        [("duration", "P1M")] = (false, "a TimeSpan cannot hold months, whose length is not fixed"),
        [("duration", "P1Y2M3D")] = (false, "a TimeSpan cannot hold years or months"),
        [("duration", "PT1.5S")] = (true, "ISO 8601 allows a decimal fraction on the last component; the validator takes it only on some"),
        [("duration", "PT1S1H")] = (false, "the RFC 3339 grammar orders hours, minutes, seconds; the validator takes any order"),
        [("duration", "PT1H1H")] = (false, "each component appears at most once in the RFC 3339 grammar; the validator adds them up"),
        [("duration", "P1WT1H")] = (false, "weeks stand alone in the RFC 3339 grammar (dur-week); the validator combines them"),
        [("duration", "1.02:30:00")] = (true, "by design .NET's constant TimeSpan format is read as well"),
        [("uuid", " 0f8fad5b-d9cb-469f-a165-70867728950e")] = (false, "a space is not part of a UUID; the validator trims it"),
        [("uri", "http://a/%zz")] = (false, "'%' must start a percent-encoding (RFC 3986 §2.1)"),
        [("uri", "http://a/#b#c")] = (false, "'#' may not appear inside a fragment (RFC 3986 §3.5)"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_reader_agrees_with_an_independent_validator_or_the_difference_is_documented(string reader, string text)
    {
        bool ours = Run(Readers[reader], text);
        bool theirs = Validator(reader.Split(' ')[0], text);
        if (Differences.TryGetValue((reader, text), out var difference))
        {
            Assert.True(ours == difference.Ours && theirs != ours, $"documented difference no longer holds: ours {ours}, validator {theirs} ({difference.Why})");
        }
        else
        {
            Assert.True(ours == theirs, $"ours {ours}, validator {theirs}");
        }
    }

    [Theory]
    [InlineData("2024-05-01t10:00:00z", 2024, 5, 1, 10, 0, 0, 0)]
    [InlineData("2024-05-01 10:00:00.123456789+02:00", 2024, 5, 1, 8, 0, 0, 1234567)]
    [InlineData("1998-12-31T15:59:60-08:00", 1998, 12, 31, 23, 59, 59, 9999999)]
    public void Date_times_are_read_to_the_tick(string text, int y, int mo, int d, int h, int mi, int s, int ticks)
    {
        var result = JsonAnswerParser.Parse<DateTime>("{\"v\":\"" + text + "\"}", ReadMember<DateTime>(JsonReaders.ReadDateTime));
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc).AddTicks(ticks), result.Value);
        Assert.Equal(DateTimeKind.Utc, result.Value.Kind);
        Assert.Equal(s == 59 && ticks == 9999999, result.Repairs.Any(r => r.Contains("leap second", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_offset_beyond_fourteen_hours_says_why_it_is_rejected()
    {
        var result = JsonAnswerParser.Parse<DateTimeOffset>("{\"v\":\"2024-05-01T10:00:00+23:00\"}", ReadMember<DateTimeOffset>(JsonReaders.ReadDateTimeOffset));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("$.v", ExtractionErrorKind.InvalidFormat), (error.Path, error.Kind));
        Assert.Contains("beyond ±14:00", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P1W1D", "weeks cannot be combined")]
    [InlineData("PT1S1H", "out of order")]
    [InlineData("P1DT", "'T' must be followed")]
    [InlineData("P", "no parts")]
    [InlineData("P1Y2M", "years have no fixed length")]
    [InlineData("PT1.5H30M", "only its last number may have a fraction")]
    [InlineData("P2S", "not a unit before 'T'")]
    public void A_malformed_duration_gets_a_reason(string text, string reason)
    {
        var result = JsonAnswerParser.Parse<TimeSpan>("{\"v\":\"" + text + "\"}", ReadMember<TimeSpan>(JsonReaders.ReadTimeSpan));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("$.v", ExtractionErrorKind.InvalidFormat), (error.Path, error.Kind));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static bool Validator(string format, string text)
    {
        var schema = JsonSchema.FromText("{\"type\":\"string\",\"format\":\"" + format + "\"}");
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
        return schema.Evaluate(doc.RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid;
    }

    private static bool Run(JsonValueReader<bool> read, string text)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(text);
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var context = new JsonReadContext();
        return read(ref reader, context, out _) && context.ErrorCount == 0;
    }

    private static JsonValueReader<bool> Wrap<T>(JsonValueReader<T> read) =>
        (ref Utf8JsonReader reader, JsonReadContext context, out bool value) => value = read(ref reader, context, out _);

    // A root reader of {"v": ...} that reads v with 'read'.
    private static JsonValueReader<T> ReadMember<T>(JsonValueReader<T> read) =>
        (ref Utf8JsonReader reader, JsonReadContext context, out T value) =>
        {
            value = default!;
            reader.Read();
            context.EnterProperty("v");
            reader.Read();
            bool ok = read(ref reader, context, out value);
            context.Exit();
            reader.Read();
            return ok;
        };
}
