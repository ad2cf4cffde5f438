using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using RecipeExtractor;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// Streamed extraction on the wire: <c>ExtractStreamingAsync</c> and <c>ExtractItemsStreamingAsync</c> through the
/// official OpenAI SDK and Microsoft.Extensions.AI.OpenAI against the loopback server's server-sent events. Where an
/// update must arrive before the answer ends, the server holds the rest of the stream until the test has seen it, so
/// nothing here depends on timing.
/// </summary>
public sealed class StreamingWireTests : ServerTestBase
{
    private const string Input = "Minestrone for six: beans, carrots, celery, pasta. Simmer, add the pasta, serve.";

    private const string Good = """
        {"name": "Minestrone", "servings": 6, "cuisine": "Italian",
         "ingredients": [
           {"name": "borlotti beans", "quantity": 400, "unit": "g", "note": "drained"},
           {"name": "carrots", "quantity": 2, "unit": null, "note": "diced"},
           {"name": "celery", "quantity": 2, "unit": "stick", "note": null},
           {"name": "ditalini", "quantity": 150, "unit": "g", "note": null}],
         "steps": ["Simmer the vegetables for 30 minutes.", "Add the pasta and cook until tender.", "Serve hot."],
         "totalMinutes": 45}
        """;

    // The same answer without spaces, as models usually send a call's arguments.
    private static readonly string Compact = JsonNode.Parse(Good)!.ToJsonString();

    // Servings as a word: invalid as soon as the member closes, long before the answer ends.
    private static readonly string Bad = Good.Replace("\"servings\": 6", "\"servings\": \"six\"", StringComparison.Ordinal);

    /// <summary>A generous limit for the whole test, so that a missing update fails it instead of hanging it.</summary>
    private static CancellationToken Limit() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task The_view_fills_in_while_the_answer_streams_name_first_then_ingredients_one_by_one()
    {
        // The server stops after the first ingredient and holds the rest until the test has seen that ingredient complete.
        var seenFirstIngredient = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = StreamedResponse.Chunked(Good, 7) with { Comments = true };
        int firstClosed = PieceIndexAfter(script, "\"drained\"}") + 1;
        _server.Enqueue(script with { Hold = seenFirstIngredient.Task, HoldAfter = firstClosed });

        var names = new List<string?>();
        var completeCounts = new List<int>();
        bool nameCompleteBeforeIngredients = false;
        int piecesSentWhenFirstSeen = -1;
        ExtractionResult<Recipe>? result = null;
        var kinds = new List<ExtractionUpdateKind>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            kinds.Add(update.Kind);
            if (update.Kind == ExtractionUpdateKind.Partial)
            {
                var view = Assert.IsType<Recipe.Partial>(update.Partial);
                names.Add(view.Name);
                if (view.IsMemberComplete(nameof(Recipe.Name)) && view.Ingredients is null)
                {
                    nameCompleteBeforeIngredients = true;
                }

                if (view.Ingredients is { } ingredients)
                {
                    completeCounts.Add(ingredients.CompleteCount);
                    if (ingredients.CompleteCount == 1 && !seenFirstIngredient.Task.IsCompleted)
                    {
                        Assert.Equal("borlotti beans", ingredients[0].Name);
                        Assert.Equal(400m, ingredients[0].Quantity);
                        Assert.True(ingredients[0].IsComplete);
                        piecesSentWhenFirstSeen = _server.Streams.Single().PiecesSent;
                        Assert.False(_server.Streams.Single().Ended.IsCompleted);
                        seenFirstIngredient.SetResult();
                    }
                }
            }

            result = update.Result ?? result;
        }

        Assert.Equal(ExtractionUpdateKind.AttemptStarted, kinds[0]);
        Assert.Equal(ExtractionUpdateKind.Completed, kinds[^1]);
        Assert.True(result!.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(4, result.Value!.Ingredients.Count);

        // The name grew piece by piece, every text a prefix of the next, and was complete before the list began.
        var texts = names.Where(n => n is not null).Select(n => n!).ToList();
        Assert.True(texts.Count >= 2, string.Join(" | ", texts));
        Assert.True(texts.Zip(texts.Skip(1)).All(p => p.Second.StartsWith(p.First, StringComparison.Ordinal)), string.Join(" | ", texts));
        Assert.Equal("Minestrone", texts[^1]);
        Assert.True(nameCompleteBeforeIngredients);

        // Ingredients completed one at a time, never going back, and the first showed while the server held the rest.
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, completeCounts.Distinct().ToArray());
        Assert.True(completeCounts.Zip(completeCounts.Skip(1)).All(p => p.Second >= p.First));
        // (The server counts a piece once its flush returns, so the count may still lag by the piece just read.)
        Assert.InRange(piecesSentWhenFirstSeen, firstClosed - 1, firstClosed);
        var log = await EndedLog(0);
        Assert.Single(_server.Streams);
        Assert.True(log.Finished);
        Assert.True(FakeOpenAIServer.IsStreamRequest(log.Request));
    }

    [Fact]
    public async Task A_re_ask_mid_stream_starts_a_new_attempt_and_ends_as_TryExtractAsync_does()
    {
        var first = StreamedResponse.Chunked(Bad, 9) with { PromptTokens = 100, CompletionTokens = 40 };
        var second = StreamedResponse.Chunked(Good, 9) with { PromptTokens = 180, CompletionTokens = 42 };
        _server.Enqueue(first);
        _server.Enqueue(second);

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            updates.Add(update);
        }

        var kinds = updates.Select(u => u.Kind).Where(k => k != ExtractionUpdateKind.Partial).ToArray();
        Assert.Equal(
            new[] { ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.AttemptFailed, ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.Completed },
            kinds);
        var failed = updates.Single(u => u.Kind == ExtractionUpdateKind.AttemptFailed);
        Assert.Equal(1, failed.AttemptNumber);
        Assert.Contains(failed.Errors, e => e.Path == "$.servings");
        Assert.Equal(Bad, failed.Attempt!.RawResponse);
        Assert.Equal(2, updates.Single(u => u.Kind == ExtractionUpdateKind.Completed).AttemptNumber);
        // Each attempt has its own view: the second attempt's first view shows no member yet from the first.
        var secondViews = updates.SkipWhile(u => u.Kind != ExtractionUpdateKind.AttemptFailed).Where(u => u.Kind == ExtractionUpdateKind.Partial).ToList();
        Assert.NotEmpty(secondViews);
        Assert.NotSame(failed.Partial, secondViews[0].Partial);
        var streamed = updates[^1].Result!;

        // The same two answers, asked without streaming, on a fresh server.
        await using var plainServer = await FakeOpenAIServer.StartAsync();
        plainServer.Enqueue(first);
        plainServer.Enqueue(second);
        using var plainClient = plainServer.CreateChatClient();
        var plain = await plainClient.TryExtractAsync<Recipe>(Input);

        Assert.True(streamed.IsSuccess);
        AssertEndsAsUnstreamed(plain, streamed);

        // The re-ask carries the same errors, in the same conversation.
        Assert.Equal(Unbounded(plainServer.Requests[1].Conversation), Unbounded(_server.Requests[1].Conversation));
        Assert.Contains("$.servings", _server.Requests[1].Conversation[^1].Text, StringComparison.Ordinal);

        // Usage is summed over both attempts, from the usage chunk of each stream.
        Assert.Equal(280, streamed.Usage?.InputTokenCount);
        Assert.Equal(82, streamed.Usage?.OutputTokenCount);
        Assert.Equal(plain.Usage?.InputTokenCount, streamed.Usage?.InputTokenCount);
        Assert.Equal(plain.Usage?.OutputTokenCount, streamed.Usage?.OutputTokenCount);
        Assert.Equal(100, failed.Usage?.InputTokenCount);
        Assert.Equal(280, updates[^1].Usage?.InputTokenCount);
        Assert.All(_server.Streams, s => Assert.True(FakeOpenAIServer.AsksForUsage(s.Request)));
    }

    [Fact]
    public async Task Fail_fast_abandons_the_doomed_stream_at_its_first_invalid_member_and_re_asks_with_the_errors()
    {
        // The bad answer's first pieces, up to just past its invalid servings; then the server holds the rest for ever,
        // so its stream can only end by seeing the client go away.
        var never = new TaskCompletionSource().Task;
        var bad = StreamedResponse.Chunked(Bad, 6);
        int holdAfter = PieceIndexAfter(bad, "\"six\",") + 2;
        _server.Enqueue(bad with { Hold = never, HoldAfter = holdAfter });
        _server.EnqueueStream(Good, 9);

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { FailFast = true }, Limit()))
        {
            updates.Add(update);
        }

        var stopped = StoppedThenAccepted(updates);
        var failed = updates.Single(u => u.Kind == ExtractionUpdateKind.AttemptFailed);
        Assert.Same(stopped, failed.Attempt);
        // What arrived before the stop stays reachable: a prefix of the answer, far from all of it.
        Assert.StartsWith(stopped.RawResponse!, Bad, StringComparison.Ordinal);
        Assert.True(stopped.RawResponse!.Length < Bad.Length / 2, stopped.RawResponse);

        // The server saw the client leave the first stream with most of the answer unsent.
        var log = await ClientLeft(0, holdAfter);
        Assert.True(log.PiecesSent < bad.Pieces.Count / 2, $"{log.PiecesSent} of {bad.Pieces.Count} pieces sent");

        // The re-ask went out at once, carrying the error of the member that failed.
        Assert.Equal(2, _server.Requests.Count);
        string reAsk = _server.Requests[1].Conversation[^1].Text;
        Assert.Contains("$.servings", reAsk, StringComparison.Ordinal);
        Assert.Equal(stopped.RawResponse, _server.Requests[1].Conversation[^2].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fail_fast_closes_the_connection_so_the_rest_of_the_answer_is_never_read_whatever_the_handler_drains(bool drain)
    {
        // Held after the invalid member until the attempt has failed, then sent at once: only a client that has
        // closed the connection by then misses it. .NET's HTTP handler drains a response that is merely disposed (by
        // default up to 1 MB or 2 seconds) to reuse the connection; the extractor cancels its pending read instead,
        // which closes the connection whether the handler would drain or not.
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bad = StreamedResponse.Chunked(Bad, 6);
        int holdAfter = PieceIndexAfter(bad, "\"six\",") + 2;
        // A short pause between pieces lets a closed connection be noticed: on loopback the first write after the
        // client closed may still succeed, the reset it draws fails the next. The rest (about 90 pieces) still comes
        // well within the handler's 2-second drain.
        _server.Enqueue(bad with { Hold = failed.Task, HoldAfter = holdAfter, PieceDelay = TimeSpan.FromMilliseconds(5) });
        _server.EnqueueStream(Good, 9);
        var options = _server.CreateClientOptions();
        using var handler = new System.Net.Http.SocketsHttpHandler { MaxResponseDrainSize = drain ? 1024 * 1024 : 0 };
        options.Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(new System.Net.Http.HttpClient(handler));
        using var client = FakeOpenAIServer.CreateChatClient(options);

        ExtractionResult<Recipe>? result = null;
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { FailFast = true }, Limit()))
        {
            if (update.Kind == ExtractionUpdateKind.AttemptFailed)
            {
                failed.SetResult();
            }

            result = update.Result ?? result;
        }

        Assert.True(result!.IsSuccess);
        var log = await EndedLog(0);
        // Either way the server finds the client gone and never gets to the end of the answer.
        Assert.False(log.Finished);
        Assert.True(log.ClientAborted);
    }

    [Fact]
    public async Task A_streamed_refusal_ends_as_a_refusal_through_the_companion_client_and_is_not_re_asked()
    {
        _server.Enqueue(new StreamedResponse(Array.Empty<string>()) { RefusalPieces = new[] { "I can't ", "help with that." } });
        _server.EnqueueStream(Good, 9);
        using IChatClient client = new StreamingRefusalChatClient(_server.CreateChatClient());

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            updates.Add(update);
        }

        var result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Refusal, result.FailureKind);
        Assert.Equal("I can't help with that.", Assert.Single(result.Attempts).Refusal);
        Assert.Single(_server.Requests);
        Assert.DoesNotContain(updates, u => u.Kind == ExtractionUpdateKind.AttemptFailed);
    }

    [Fact]
    public async Task A_streamed_refusal_without_the_companion_client_is_an_empty_answer_that_is_re_asked()
    {
        // What the plain Microsoft.Extensions.AI.OpenAI client gives: the refusal is only on the raw SDK updates.
        _server.Enqueue(new StreamedResponse(Array.Empty<string>()) { RefusalPieces = new[] { "I can't ", "help with that." } });
        _server.EnqueueStream(Good, 9);

        ExtractionResult<Recipe>? result = null;
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            result = update.Result ?? result;
        }

        Assert.True(result!.IsSuccess);
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, result.Attempts[0].FailureKind);
        Assert.Null(result.Attempts[0].Refusal);
    }

    [Fact]
    public async Task Without_fail_fast_the_same_invalid_answer_is_read_to_its_end()
    {
        _server.EnqueueStream(Bad, 6);
        _server.EnqueueStream(Good, 9);

        ExtractionResult<Recipe>? result = null;
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            result = update.Result ?? result;
        }

        Assert.True(result!.IsSuccess);
        Assert.Equal(Bad, result.Attempts[0].RawResponse);
        Assert.True((await EndedLog(0)).Finished);
    }

    [Fact]
    public async Task Length_mid_stream_ends_as_Truncated_with_the_text_and_no_re_ask()
    {
        string cut = Good.Substring(0, Good.IndexOf("\"celery\"", StringComparison.Ordinal) + 4);
        _server.Enqueue(StreamedResponse.Chunked(cut, 8) with { FinishReason = "length", CompletionTokens = 64 });

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            updates.Add(update);
        }

        var result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(cut, attempt.RawResponse);
        Assert.Equal(ChatFinishReason.Length, attempt.FinishReason);
        Assert.Equal(64, result.Usage?.OutputTokenCount);
        Assert.Single(_server.Requests);
        // The view kept what was complete when the answer stopped.
        var view = updates[^1].Partial!;
        Assert.True(view.IsMemberComplete(nameof(Recipe.Cuisine)));
        Assert.False(view.IsMemberComplete(nameof(Recipe.Ingredients)));
        Assert.False(view.IsComplete);
        Assert.DoesNotContain(updates, u => u.Kind == ExtractionUpdateKind.AttemptFailed);
    }

    [Fact]
    public async Task Cancellation_mid_stream_throws_and_the_server_sees_the_client_go_away()
    {
        var never = new TaskCompletionSource().Task;
        var script = StreamedResponse.Chunked(Good, 7);
        int holdAfter = PieceIndexAfter(script, "\"Minestrone\",") + 1;
        _server.Enqueue(script with { Hold = never, HoldAfter = holdAfter });

        using var cts = new CancellationTokenSource();
        bool nameSeen = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: cts.Token))
            {
                if (update.Partial is { } view && view.IsMemberComplete(nameof(Recipe.Name)))
                {
                    nameSeen = true;
                    cts.Cancel();
                }
            }
        });

        Assert.True(nameSeen);
        Assert.Single(_server.Streams);
        var log = await EndedLog(0);
        Assert.True(log.ClientAborted);
        Assert.Equal(holdAfter, log.PiecesSent);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task The_attempt_time_out_works_mid_stream_and_keeps_the_text_received()
    {
        // The server sends the answer up to the cuisine, then nothing more: only the time-out can end the attempt. It is
        // long enough for the first pieces to arrive on a busy machine; the test waits for it once.
        var never = new TaskCompletionSource().Task;
        var script = StreamedResponse.Chunked(Good, 8);
        int holdAfter = PieceIndexAfter(script, "\"Italian\",") + 1;
        _server.Enqueue(script with { Hold = never, HoldAfter = holdAfter });

        ExtractionResult<Recipe>? result = null;
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { AttemptTimeout = TimeSpan.FromSeconds(5) }, Limit()))
        {
            result = update.Result ?? result;
        }

        Assert.Equal(ExtractionFailureKind.TimedOut, result!.FailureKind);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(string.Concat(script.Pieces.Take(holdAfter)), attempt.RawResponse);
        Assert.Single(_server.Requests); // a timed-out request is not re-asked
        Assert.Single(_server.Streams);
        var log = await EndedLog(0);
        Assert.True(log.ClientAborted);
        Assert.Equal(holdAfter, log.PiecesSent);
    }

    [Fact]
    public async Task A_connection_cut_mid_stream_ends_as_Interrupted_with_the_text_received()
    {
        var script = StreamedResponse.Chunked(Good, 8);
        int cutAfter = PieceIndexAfter(script, "\"Italian\",") + 1;
        string received = string.Concat(script.Pieces.Take(cutAfter));
        var shown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(script with { CutAfter = cutAfter, CutWhen = shown.Task });

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, cancellationToken: Limit()))
        {
            updates.Add(update);
            if (update.Partial is { } seen && seen.IsMemberComplete(nameof(Recipe.Cuisine)))
            {
                shown.TrySetResult();
            }
        }

        var result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Interrupted, result.FailureKind);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(received, attempt.RawResponse);
        Assert.NotNull(attempt.FailureMessage);
        Assert.Single(_server.Requests); // a broken stream is not re-asked
        Assert.Single(_server.Streams);
        var log = await EndedLog(0);
        Assert.True(log.Cut);
        // The view keeps what was complete when the connection broke.
        var view = updates[^1].Partial!;
        Assert.True(view.IsMemberComplete(nameof(Recipe.Cuisine)));
        Assert.False(view.IsMemberComplete(nameof(Recipe.Ingredients)));
        Assert.False(view.IsComplete);
    }

    [Fact]
    public async Task Items_are_yielded_as_they_close_while_the_server_holds_the_rest()
    {
        var gotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = StreamedResponse.Chunked(Good, 8);
        int firstClosed = PieceIndexAfter(script, "\"drained\"}") + 1;
        _server.Enqueue(script with { Hold = gotFirst.Task, HoldAfter = firstClosed });

        var items = new List<ExtractionItem<Ingredient>>();
        int piecesSentAtFirst = -1;
        await foreach (var item in _client.ExtractItemsStreamingAsync<Recipe, Ingredient>(Input, nameof(Recipe.Ingredients), cancellationToken: Limit()))
        {
            items.Add(item);
            if (items.Count == 1)
            {
                piecesSentAtFirst = _server.Streams.Single().PiecesSent;
                Assert.False(_server.Streams.Single().Ended.IsCompleted);
                gotFirst.SetResult();
            }
        }

        // Nothing past the hold had been sent (the count may lag by the piece just read: it is taken after the flush).
        Assert.InRange(piecesSentAtFirst, firstClosed - 1, firstClosed);
        Assert.Equal(new Ingredient("borlotti beans", 400m, "g", "drained"), items[0].Value);
        Assert.Equal(new[] { "borlotti beans", "carrots", "celery", "ditalini" }, items.Select(i => i.Value.Name));
        Assert.Equal(new[] { 0, 1, 2, 3 }, items.Select(i => i.Index));
        Assert.All(items, i => Assert.Equal(1, i.AttemptNumber));
        Assert.Single(_server.Streams);
        Assert.True((await EndedLog(0)).Finished);
    }

    [Fact]
    public async Task Items_of_a_rejected_attempt_are_followed_by_the_re_asked_attempt_items_from_index_0()
    {
        _server.EnqueueStream(Bad, 8);
        _server.EnqueueStream(Good, 8);

        var items = new List<ExtractionItem<Ingredient>>();
        await foreach (var item in _client.ExtractItemsStreamingAsync<Recipe, Ingredient>(Input, nameof(Recipe.Ingredients), cancellationToken: Limit()))
        {
            items.Add(item);
        }

        Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 2, 2 }, items.Select(i => i.AttemptNumber));
        Assert.Equal(new[] { 0, 1, 2, 3, 0, 1, 2, 3 }, items.Select(i => i.Index));
    }

    [Fact]
    public async Task Strict_json_schema_mode_streams_with_its_schema_and_fills_the_view()
    {
        const string text = "Shipment S-1, 12.5 kg with Acme Freight, stopping in Lyon on 2026-03-02 and Turin on 2026-03-03.";
        const string answer = """{"id":"S-1","weight":12.5,"carrier":"Acme Freight","stops":[{"city":"Lyon","day":"2026-03-02"},{"city":"Turin","day":"2026-03-03"}],"note":null,"parcels":null}""";
        _server.EnqueueStream(answer, 5);

        var carriers = new List<string?>();
        ExtractionResult<Shipment>? result = null;
        await foreach (var update in _client.ExtractStreamingAsync<Shipment>(text, cancellationToken: Limit()))
        {
            if (update.Partial is Shipment.Partial view)
            {
                carriers.Add(view.Carrier);
            }

            result = update.Result ?? result;
        }

        Assert.True(result!.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(1, result.Value!.Parcels);
        Assert.Equal(2, result.Value.Stops.Count);
        Assert.Contains(carriers, c => c is { Length: > 0 } && c != "Acme Freight" && "Acme Freight".StartsWith(c, StringComparison.Ordinal));
        Assert.Equal("Acme Freight", carriers[^1]);

        var request = Assert.Single(_server.Requests);
        Assert.True(FakeOpenAIServer.IsStreamRequest(request));
        var format = request.Json["response_format"]!.AsObject();
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.True((bool?)format["json_schema"]!["strict"]);
    }

    [Fact]
    public async Task Tool_call_mode_streams_the_arguments_and_the_view_fills_in_when_the_call_is_complete()
    {
        var script = StreamedResponse.Chunked(Good, 10) with { ToolName = "Recipe", FinishReason = "tool_calls" };
        _server.Enqueue(script);

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { Mode = ExtractionMode.ToolCall }, Limit()))
        {
            updates.Add(update);
        }

        var result = updates[^1].Result!;
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors) + result.Attempts[0].FailureMessage);
        Assert.Equal("Minestrone", result.Value!.Name);
        Assert.Equal(4, result.Value.Ingredients.Count);

        var request = Assert.Single(_server.Requests);
        Assert.True(FakeOpenAIServer.IsStreamRequest(request));
        var tool = Assert.Single(request.Json["tools"]!.AsArray());
        Assert.Equal("Recipe", (string?)tool!["function"]!["name"]);
        Assert.Equal("Recipe", (string?)request.Json["tool_choice"]!["function"]!["name"]);
        Assert.Null(request.Json["response_format"]);

        // Without the companion client (see the tests below), Microsoft.Extensions.AI.OpenAI hands over a call's
        // arguments only when the stream ends: one view, complete.
        var partials = updates.Where(u => u.Kind == ExtractionUpdateKind.Partial).ToList();
        var last = Assert.IsType<Recipe.Partial>(Assert.Single(partials).Partial);
        Assert.True(last.IsComplete);
        Assert.Single(_server.Streams);
        Assert.True((await EndedLog(0)).Finished);
    }

    [Fact]
    public async Task Tool_call_mode_through_the_companion_client_fills_the_view_while_the_arguments_stream()
    {
        // The arguments as a model sends them, without spaces: the pieces joined are the arguments' text judged. The
        // server holds the rest of the call after the first ingredient until the test has seen it complete.
        var seenFirstIngredient = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = StreamedResponse.Chunked(Compact, 7) with { ToolName = "Recipe", FinishReason = "tool_calls" };
        int firstClosed = PieceIndexAfter(script, "\"drained\"}") + 1;
        _server.Enqueue(script with { Hold = seenFirstIngredient.Task, HoldAfter = firstClosed });
        using IChatClient client = CompanionClient();

        var names = new List<string>();
        var items = new List<(int Index, string Name)>();
        ExtractionResult<Recipe>? result = null;
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { Mode = ExtractionMode.ToolCall }, Limit()))
        {
            if (update.Partial is Recipe.Partial view && update.Kind == ExtractionUpdateKind.Partial)
            {
                if (view.Name is { } name)
                {
                    names.Add(name);
                }

                if (view.Ingredients is { CompleteCount: 1 } ingredients && !seenFirstIngredient.Task.IsCompleted)
                {
                    Assert.Equal("borlotti beans", ingredients[0].Name);
                    Assert.False(_server.Streams.Single().Ended.IsCompleted);
                    Assert.InRange(_server.Streams.Single().PiecesSent, firstClosed - 1, firstClosed);
                    seenFirstIngredient.SetResult();
                }
            }

            result = update.Result ?? result;
        }

        Assert.True(seenFirstIngredient.Task.IsCompleted, "the first ingredient was not seen while the call streamed");
        Assert.True(names.Count >= 2 && names.Zip(names.Skip(1)).All(p => p.Second.StartsWith(p.First, StringComparison.Ordinal)), string.Join(" | ", names));
        Assert.Equal("Minestrone", names[^1]);
        Assert.True(result!.IsSuccess, string.Join("; ", result.Errors) + result.Attempts[0].FailureMessage);
        Assert.Equal(Compact, result.Attempts[0].RawResponse);
        Assert.Single(_server.Streams);
        Assert.True((await EndedLog(0)).Finished);

        // Items close as their pieces arrive, in tool-call mode too.
        var gotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(script with { Hold = gotFirst.Task, HoldAfter = firstClosed });
        await foreach (var item in client.ExtractItemsStreamingAsync<Recipe, Ingredient>(Input, nameof(Recipe.Ingredients), new ExtractOptions { Mode = ExtractionMode.ToolCall }, Limit()))
        {
            items.Add((item.Index, item.Value.Name));
            if (items.Count == 1)
            {
                Assert.False(_server.Streams[1].Ended.IsCompleted);
                gotFirst.SetResult();
            }
        }

        Assert.Equal(new[] { (0, "borlotti beans"), (1, "carrots"), (2, "celery"), (3, "ditalini") }, items);
    }

    [Fact]
    public async Task Tool_call_mode_fail_fast_through_the_companion_client_closes_the_stream_and_re_asks()
    {
        var never = new TaskCompletionSource().Task;
        var bad = StreamedResponse.Chunked(Bad, 6) with { ToolName = "Recipe", FinishReason = "tool_calls" };
        int holdAfter = PieceIndexAfter(bad, "\"six\",") + 2;
        _server.Enqueue(bad with { Hold = never, HoldAfter = holdAfter });
        _server.Enqueue(StreamedResponse.Chunked(Good, 9) with { ToolName = "Recipe", FinishReason = "tool_calls" });
        using IChatClient client = CompanionClient();

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { Mode = ExtractionMode.ToolCall, FailFast = true }, Limit()))
        {
            updates.Add(update);
        }

        var stopped = StoppedThenAccepted(updates);
        Assert.StartsWith(stopped.RawResponse!, Bad, StringComparison.Ordinal);
        Assert.True(stopped.RawResponse!.Length < Bad.Length / 2, stopped.RawResponse);

        // The server saw the client leave the first stream with most of the call unsent.
        await ClientLeft(0, holdAfter);

        // The re-ask echoes what arrived once, as text, and asks for the call again with the error.
        var reAsk = _server.Requests[1];
        Assert.All(_server.Requests, r => Assert.DoesNotContain(ToolArgumentsPieceContent.RequestKey, r.Json.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal(stopped.RawResponse, reAsk.Conversation[^2].Text);
        Assert.Null(reAsk.Messages[^2]!["tool_calls"]);
        Assert.Contains("$.servings", reAsk.Conversation[^1].Text, StringComparison.Ordinal);
        Assert.Single(reAsk.Conversation, m => m.Role == "assistant");
        Assert.All(reAsk.Messages, m => Assert.Null(m!["tool_calls"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tool_call_mode_re_ask_through_the_companion_client_ends_as_TryExtractAsync_and_sends_the_call_once(bool compact)
    {
        string good = compact ? Compact : Good;
        string bad = compact ? JsonNode.Parse(Bad)!.ToJsonString() : Bad;
        var first = StreamedResponse.Chunked(bad, 9) with { ToolName = "Recipe", FinishReason = "tool_calls", PromptTokens = 100, CompletionTokens = 40 };
        var second = StreamedResponse.Chunked(good, 9) with { ToolName = "Recipe", FinishReason = "tool_calls", ToolCallId = "call_1", PromptTokens = 180, CompletionTokens = 42 };
        _server.Enqueue(first);
        _server.Enqueue(second);
        using IChatClient client = CompanionClient();
        var options = new ExtractOptions { Mode = ExtractionMode.ToolCall };

        var updates = new List<ExtractionUpdate<Recipe>>();
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, options, Limit()))
        {
            updates.Add(update);
        }

        var streamed = updates[^1].Result!;
        Assert.True(updates.Count(u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 1) > 5); // live, not at the end
        Assert.Contains(updates, u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 1 && u.Errors.Any(e => e.Path == "$.servings"));

        // The same two answers, asked without streaming through the same kind of client, on a fresh server.
        await using var plainServer = await FakeOpenAIServer.StartAsync();
        plainServer.Enqueue(first);
        plainServer.Enqueue(second);
        using IChatClient plainClient = new OpenAIEndpoint("test-model", "test-key", new Uri(plainServer.BaseUrl)).CreateChatClient();
        var plain = await plainClient.TryExtractAsync<Recipe>(Input, options);

        Assert.True(streamed.IsSuccess, string.Join("; ", streamed.Errors));
        AssertEndsAsUnstreamed(plain, streamed);

        Assert.Equal(plain.Usage?.InputTokenCount, streamed.Usage?.InputTokenCount);
        Assert.Equal(plain.Usage?.OutputTokenCount, streamed.Usage?.OutputTokenCount);

        // The re-ask request is the one TryExtractAsync sends: the call echoed once, answered with the errors.
        string streamedReAsk = Unbounded(_server.Requests[1].Messages.ToJsonString());
        Assert.Equal(Unbounded(plainServer.Requests[1].Messages.ToJsonString()), streamedReAsk);
        var echoed = _server.Requests[1].Messages[^2]!;
        Assert.Equal("assistant", (string?)echoed["role"]);
        var call = Assert.Single(echoed["tool_calls"]!.AsArray())!;
        Assert.Equal("call_0", (string?)call["id"]);
        Assert.Equal("six", (string?)JsonNode.Parse((string)call["function"]!["arguments"]!)!["servings"]);
        Assert.True(echoed["content"] is null || string.IsNullOrEmpty(_server.Requests[1].Conversation[^2].Text), echoed.ToJsonString());
        Assert.Equal("tool", (string?)_server.Requests[1].Messages[^1]!["role"]);
        Assert.Equal(1, Occurrences(streamedReAsk, "borlotti beans"));
    }

    [Fact]
    public async Task A_conversation_joined_from_the_companion_client_stream_sends_the_call_arguments_once()
    {
        // Code that asks for the pieces and joins the updates itself keeps them beside the call; sent again, the
        // arguments go out once.
        _server.Enqueue(StreamedResponse.Chunked(Compact, 11) with { ToolName = "Recipe", FinishReason = "tool_calls" });
        _server.EnqueueCompletion("done");
        using IChatClient client = CompanionClient();
        var tool = AIFunctionFactory.Create((string name) => name, "Recipe");
        var chatOptions = new ChatOptions { Tools = [tool], AdditionalProperties = new() { [ToolArgumentsPieceContent.RequestKey] = true } };
        var conversation = new List<ChatMessage> { new(ChatRole.User, Input) };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(conversation, chatOptions))
        {
            updates.Add(update);
        }

        var pieces = updates.SelectMany(u => u.Contents).OfType<ToolArgumentsPieceContent>().ToList();
        Assert.True(pieces.Count > 5);
        Assert.All(pieces, p => Assert.Equal(("call_0", "Recipe"), (p.CallId, p.Name)));
        Assert.Equal(Compact, string.Concat(pieces.Select(p => p.Text)));
        ChatResponse response = updates.ToChatResponse();
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Minestrone", call.Arguments!["name"]!.ToString());

        conversation.AddRange(response.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, new List<AIContent> { new FunctionResultContent(call.CallId, "ok") }));
        await client.GetResponseAsync(conversation, chatOptions);
        string sent = _server.Requests[1].Messages.ToJsonString();
        Assert.Equal(1, Occurrences(sent, "borlotti beans"));
        Assert.Single(_server.Requests[1].Messages[1]!["tool_calls"]!.AsArray());
        Assert.All(_server.Requests, r => Assert.DoesNotContain(ToolArgumentsPieceContent.RequestKey, r.Json.ToJsonString(), StringComparison.Ordinal));

        // Without the key the same client streams the call as Microsoft.Extensions.AI.OpenAI does: no pieces.
        _server.Enqueue(StreamedResponse.Chunked(Compact, 11) with { ToolName = "Recipe", FinishReason = "tool_calls" });
        var plain = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Input, new ChatOptions { Tools = [tool] }))
        {
            plain.Add(update);
        }

        Assert.Empty(plain.SelectMany(u => u.Contents).OfType<ToolArgumentsPieceContent>());
        Assert.Single(plain.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task The_companion_client_pieces_pass_through_the_telemetry_client_with_sensitive_data()
    {
        // Microsoft.Extensions.AI's telemetry client, above the companion client, sees the pieces too: with sensitive data
        // on it writes every part of the response, the pieces beside the call. Nothing breaks; the view still streams.
        string source = "pieces-" + Guid.NewGuid().ToString("N");
        var stopped = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        _server.Enqueue(StreamedResponse.Chunked(Compact, 11) with { ToolName = "Recipe", FinishReason = "tool_calls" });
        using IChatClient client = new ChatClientBuilder(CompanionClient()).UseOpenTelemetry(sourceName: source, configure: c => c.EnableSensitiveData = true).Build();

        ExtractionResult<Recipe>? result = null;
        int partials = 0;
        await foreach (var update in client.ExtractStreamingAsync<Recipe>(Input, new ExtractOptions { Mode = ExtractionMode.ToolCall }, Limit()))
        {
            partials += update.Kind == ExtractionUpdateKind.Partial ? 1 : 0;
            result = update.Result ?? result;
        }

        Assert.True(result!.IsSuccess, string.Join("; ", result.Errors));
        Assert.True(partials > 5);
        // The span holds the call once as a tool call; the pieces are written beside it as parts of their own type.
        var chat = Assert.Single(stopped);
        var parts = JsonNode.Parse((string)chat.GetTagItem("gen_ai.output.messages")!)!.AsArray().SelectMany(m => m!["parts"]!.AsArray()).ToList();
        var call = Assert.Single(parts, p => (string?)p!["type"] == "tool_call")!;
        Assert.Equal("Minestrone", (string?)call["arguments"]!["name"]);
        var pieces = parts.Where(p => (string?)p!["type"] == typeof(ToolArgumentsPieceContent).FullName).ToList();
        Assert.Equal(Compact, string.Concat(pieces.Select(p => (string?)p!["content"]!["text"])));
    }

    /// <summary>The client <see cref="OpenAIEndpoint.CreateChatClient"/> makes, pointed at the loopback server.</summary>
    // The first attempt of a fail-fast extraction that was stopped at the bad servings and re-asked into success.
    private static ExtractionAttempt StoppedThenAccepted(List<ExtractionUpdate<Recipe>> updates)
    {
        var result = updates[^1].Result!;
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Attempts.Count);
        var stopped = result.Attempts[0];
        Assert.Contains(stopped.Errors, e => e.Path == "$.servings");
        return stopped;
    }

    // The server's log of a stream the client left early: ended unfinished, by the client, after the pieces held back.
    // The server's log of a stream once the server is done with it: the client can see the stream end (its last piece,
    // a cut) before the server has noted how it ended.
    private async Task<StreamLog> EndedLog(int stream)
    {
        var log = _server.Streams[stream];
        await log.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        return log;
    }

    private async Task<StreamLog> ClientLeft(int stream, int piecesSent)
    {
        var log = await EndedLog(stream);
        Assert.False(log.Finished);
        Assert.True(log.ClientAborted);
        Assert.Equal(piecesSent, log.PiecesSent);
        return log;
    }

    private IChatClient CompanionClient() => new OpenAIEndpoint("test-model", "test-key", new Uri(_server.BaseUrl)).CreateChatClient();

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Unbounded(string text) => System.Text.RegularExpressions.Regex.Replace(text, "=====[0-9a-f]{16}=====", "=====BOUNDARY=====");

    /// <summary>The index of the piece in which <paramref name="marker"/> ends.</summary>
    private static int PieceIndexAfter(StreamedResponse script, string marker)
    {
        int end = script.Text.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        Assert.True(end >= marker.Length, "marker not in the answer: " + marker);
        int length = 0;
        for (int i = 0; i < script.Pieces.Count; i++)
        {
            length += script.Pieces[i].Length;
            if (length >= end)
            {
                return i;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The conversation with each extraction's random input boundary replaced by one placeholder.</summary>
    private static IEnumerable<(string, string)> Unbounded(IReadOnlyList<(string Role, string Text)> conversation) =>
        conversation.Select(m => (m.Role, System.Text.RegularExpressions.Regex.Replace(m.Text, "=====[0-9a-f]{16}=====", "=====BOUNDARY=====")));

    private static string Json(Recipe recipe) => JsonSerializer.Serialize(recipe);

    // A streamed extraction ends as TryExtractAsync does on the same answers: the value, and every attempt's outcome,
    // raw text, errors and finish reason.
    private static void AssertEndsAsUnstreamed(ExtractionResult<Recipe> plain, ExtractionResult<Recipe> streamed)
    {
        Assert.Equal(Json(plain.Value!), Json(streamed.Value!));
        Assert.Equal(plain.Attempts.Count, streamed.Attempts.Count);
        for (int i = 0; i < plain.Attempts.Count; i++)
        {
            Assert.Equal(plain.Attempts[i].FailureKind, streamed.Attempts[i].FailureKind);
            Assert.Equal(plain.Attempts[i].RawResponse, streamed.Attempts[i].RawResponse);
            Assert.Equal(plain.Attempts[i].Errors.Select(e => e.ToString()), streamed.Attempts[i].Errors.Select(e => e.ToString()));
            Assert.Equal(plain.Attempts[i].FinishReason, streamed.Attempts[i].FinishReason);
        }
    }
}
