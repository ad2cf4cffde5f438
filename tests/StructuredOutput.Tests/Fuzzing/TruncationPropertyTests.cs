using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// A cut-off answer is never a value: for random valid answers of several generated types, written compact, indented,
/// in a markdown fence or inside prose, every strict prefix of the answer text, returned with finish reason
/// <c>length</c> through the real extraction loop, ends as <see cref="ExtractionFailureKind.Truncated"/> or as exactly
/// the full answer's value, never as another value. <c>STRUCTUREDOUTPUT_FUZZ_ITERATIONS</c> and
/// <c>STRUCTUREDOUTPUT_FUZZ_SEED</c> work as in <see cref="ParserFuzzTests"/>.
/// </summary>
public sealed class TruncationPropertyTests
{
    /// <summary>Answers per type; each is cut at every length.</summary>
    public const int DefaultIterations = 40;

    private static readonly Dictionary<string, ITarget> Targets = new ITarget[]
    {
        new Target<Point>(FuzzGen.Point, FuzzJsonContext.Default.Point),
        new Target<AllScalars>(FuzzGen.AllScalars, FuzzJsonContext.Default.AllScalars),
        new Target<Nullables>(FuzzGen.Nullables, FuzzJsonContext.Default.Nullables),
        new Target<Profile>(FuzzGen.Profile, FuzzJsonContext.Default.Profile),
        new Target<TreeNode>(FuzzGen.TreeNode, FuzzJsonContext.Default.TreeNode),
        new Target<Order>(FuzzGen.Order, FuzzJsonContext.Default.Order),
        new Target<Outline>(FuzzGen.Outline, FuzzJsonContext.Default.Outline),
    }.ToDictionary(t => t.Name);

    private readonly ITestOutputHelper _output;

    public TruncationPropertyTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> TypeNames => new(Targets.Keys);

    private static long Iterations => FuzzSettings.Iterations(DefaultIterations);

    private static string? Seed => FuzzSettings.Seed;

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Every_strict_prefix_of_an_answer_cut_off_at_the_token_limit_is_truncated_or_the_full_value(string type) =>
        Targets[type].Check(Iterations, Seed, _output.WriteLine);

    [Fact]
    public async Task The_loop_accepts_the_full_answers_so_the_property_is_not_vacuous()
    {
        var client = new PrefixClient();
        foreach (string answer in new[] { """{"x":1,"y":2}""", "```json\n{\"x\":1,\"y\":2}\n```", "Here: {\"x\":1,\"y\":2}" })
        {
            client.Answer = answer;
            client.FinishReason = ChatFinishReason.Stop;
            Assert.True((await client.TryExtractAsync<Point>("in")).IsSuccess, answer);
        }

        client.Answer = """{"x":1,"y":2}""";
        client.FinishReason = ChatFinishReason.Length;
        Assert.True((await client.TryExtractAsync<Point>("in")).IsSuccess);
    }

    private interface ITarget
    {
        string Name { get; }

        void Check(long iterations, string? seed, Action<string> writeLine);
    }

    private sealed class Target<T> : ITarget where T : ILlmExtractable<T>
    {
        private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly Gen<T> _values;
        private readonly JsonTypeInfo<T> _json;

        public Target(Gen<T> values, JsonTypeInfo<T> json)
        {
            _values = values;
            _json = json;
        }

        public string Name => typeof(T).Name;

        public void Check(long iterations, string? seed, Action<string> writeLine) =>
            Gen.Select(_values, Gen.Int[0, 3]).Sample(
                pair => CheckPrefixes(pair.Item1, pair.Item2),
                writeLine,
                seed,
                iterations,
                print: pair => JsonSerializer.Serialize(Answer(pair.Item1, pair.Item2)));

        private void CheckPrefixes(T value, int form)
        {
            string full = JsonSerializer.Serialize(value, _json);
            string answer = Answer(value, form);
            var client = new PrefixClient { FinishReason = ChatFinishReason.Length };
            for (int length = 0; length < answer.Length; length++)
            {
                client.Answer = answer.Substring(0, length);
                ExtractionResult<T> result = client.TryExtractAsync<T>("in").GetAwaiter().GetResult();
                if (result.IsSuccess)
                {
                    Assert.True(
                        full == JsonSerializer.Serialize(result.Value!, _json),
                        $"The prefix {JsonSerializer.Serialize(client.Answer)} was accepted as {JsonSerializer.Serialize(result.Value!, _json)}, not the full value {full}");
                    Assert.Empty(result.Attempts[0].Repairs);
                }
                else
                {
                    Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
                    var attempt = Assert.Single(result.Attempts);
                    Assert.Equal(client.Answer, attempt.RawResponse);
                    Assert.Equal(ExtractionErrorKind.Truncated, attempt.Errors[0].Kind);
                }
            }

            Assert.Equal(answer.Length, client.Calls); // one request per prefix: a cut-off answer is never re-asked
        }

        // The answer as a model may write it: compact, indented, in a markdown fence, or inside prose.
        private string Answer(T value, int form)
        {
            string json = JsonSerializer.Serialize(value, _json);
            return form switch
            {
                0 => json,
                1 => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Indented),
                2 => "```json\n" + json + "\n```",
                _ => "Here is the JSON:\n" + json + "\nDone.",
            };
        }
    }

    /// <summary>Answers every request with <see cref="Answer"/> and <see cref="FinishReason"/>, synchronously.</summary>
    private sealed class PrefixClient : IChatClient
    {
        public string Answer { get; set; } = string.Empty;

        public ChatFinishReason FinishReason { get; set; } = ChatFinishReason.Length;

        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)) { FinishReason = FinishReason });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
