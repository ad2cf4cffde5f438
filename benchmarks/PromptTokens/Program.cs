using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using StructuredOutput;
using StructuredOutput.Benchmarks.Payloads;

// Counts o200k_base (GPT-4o) tokens of the generated prompt against Microsoft.Extensions.AI's JSON Schema for the
// same type, for five representative types, and prints a markdown table.
//   dotnet run -c Release --project benchmarks/PromptTokens            the table
//   dotnet run -c Release --project benchmarks/PromptTokens -- --show  also every text that was counted
bool show = args.Contains("--show");
Tokenizer tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");

// The peer's schema with the same JSON names as ours (camelCase, enums as strings), so both carry the same words.
var peerOptions = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
{
    PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    Converters = { new JsonStringEnumConverter() },
};

var rows = new List<Row>
{
    Measure<Recipe>(),
    Measure<Invoice>(),
    Measure<SupportTicket>(),
    Measure<ContactCard>(),
    Measure<MeetingMinutes>(),
};

Console.WriteLine("Whole texts: our system prompt (task, answer rule, types, input rule) against the peer's schema.");
Console.WriteLine();
Console.WriteLine("| type | our prompt | `CreateJsonSchema` | prompt / schema | what `GetResponseAsync<T>` sends | prompt / that | our JSON Schema |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows.Append(Total(rows)))
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Prompt} | {r.Schema} | {Percent(r.Prompt, r.Schema)} | {r.Sent} | {Percent(r.Prompt, r.Sent)} | {r.OurSchema} |"));
}

Console.WriteLine();
Console.WriteLine("The shape alone: the prompt's type definitions against the schema, each with and without the description texts.");
Console.WriteLine();
Console.WriteLine("| type | type definitions | schema | ratio | type definitions without descriptions | schema without descriptions | ratio |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows.Append(Total(rows)))
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Shape} | {r.Schema} | {Percent(r.Shape, r.Schema)} | {r.BareShape} | {r.BareSchema} | {Percent(r.BareShape, r.BareSchema)} |"));
}

return 0;

static Row Total(List<Row> rows) => new(
    "**all five**",
    rows.Sum(r => r.Prompt),
    rows.Sum(r => r.Shape),
    rows.Sum(r => r.Schema),
    rows.Sum(r => r.Sent),
    rows.Sum(r => r.OurSchema),
    rows.Sum(r => r.BareShape),
    rows.Sum(r => r.BareSchema));

Row Measure<T>()
    where T : class, ILlmExtractable<T>
{
    string ours = LlmContract<T>.Prompt;
    string shape = TypeDefinitions(ours);
    string schema = AIJsonUtilities.CreateJsonSchema(typeof(T), serializerOptions: peerOptions).GetRawText();

    // What GetResponseAsync<T> actually puts on the request with its defaults: the schema in the response format
    // (with its name and description), plus any message it adds.
    var client = new FakeChatClient("{}") { Capture = true };
    _ = client.GetResponseAsync<T>(PayloadTexts.Input).GetAwaiter().GetResult();
    string sent = string.Empty;
    if (client.LastOptions?.ResponseFormat is ChatResponseFormatJson { Schema: JsonElement sentSchema } json)
    {
        sent = json.SchemaName + "\n" + json.SchemaDescription + "\n" + sentSchema.GetRawText();
    }

    foreach (var message in client.LastMessages ?? new List<ChatMessage>())
    {
        if (message.Text != PayloadTexts.Input)
        {
            sent += "\n" + message.Text;
        }
    }

    if (show)
    {
        Console.WriteLine($"===== {typeof(T).Name}: our prompt =====\n{ours}\n===== CreateJsonSchema =====\n{schema}\n===== sent by GetResponseAsync<T> =====\n{sent}\n");
    }

    return new Row(
        typeof(T).Name,
        Count(ours),
        Count(shape),
        Count(schema),
        Count(sent),
        Count(LlmContract<T>.JsonSchema),
        Count(WithoutComments(shape)),
        Count(WithoutDescriptions(schema)));
}

int Count(string text) => tokenizer.CountTokens(text);

static string Percent(int part, int whole) => whole == 0 ? "–" : (100.0 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + " %";

// The part of the prompt that describes the type: from the first definition to the last closing "};".
static string TypeDefinitions(string prompt)
{
    string[] lines = prompt.Split('\n');
    int first = Array.FindIndex(lines, l => l.StartsWith("type ", StringComparison.Ordinal) || l.StartsWith("// ", StringComparison.Ordinal));
    int last = Array.FindLastIndex(lines, l => l == "};" || (l.StartsWith("type ", StringComparison.Ordinal) && l.EndsWith(';')));
    return first < 0 || last < first ? string.Empty : string.Join('\n', lines[first..(last + 1)]);
}

// The prompt's descriptions are "// …" comments, on their own line or after a member.
static string WithoutComments(string shape) =>
    Regex.Replace(Regex.Replace(shape, "^// [^\n]*\n", string.Empty, RegexOptions.Multiline), " // [^\n]*", string.Empty);

static string WithoutDescriptions(string schema) =>
    Regex.Replace(schema, "\"description\":\"(?:[^\"\\\\]|\\\\.)*\",?", string.Empty);

internal sealed record Row(string Name, int Prompt, int Shape, int Schema, int Sent, int OurSchema, int BareShape, int BareSchema);
