using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests.Streaming;

/// <summary>The streamed extraction loop against a scripted streaming chat client.</summary>
public class StreamingExtractionTests
{
    private const string Good = """{"name":"Soup","servings":4,"level":"Easy","chef":{"name":"Ana","stars":5},"ingredients":[{"name":"salt","quantity":2,"unit":"g"},{"name":"water","quantity":1.5,"unit":"l"}],"steps":["Boil","Salt"],"scores":[7,9],"note":null,"tags":["hot"]}""";
    private const string BadEarly = """{"name":"Soup","servings":500,"level":"Easy","chef":{"name":"Ana","stars":5},"ingredients":[{"name":"salt","quantity":2,"unit":"g"},{"name":"water","quantity":1.5,"unit":"l"}],"steps":["Boil","Salt"],"scores":[7,9],"note":null,"tags":["hot"]}""";
    private const string BadItem = """{"name":"Soup","servings":4,"level":"Easy","chef":{"name":"Ana","stars":5},"ingredients":[{"name":"salt","quantity":2,"unit":"g"},{"name":"water","quantity":"lots","unit":"l"},{"name":"pepper"}],"steps":["Boil"],"scores":[7],"note":null,"tags":null}""";

    [Fact]
    public async Task Updates_show_the_view_growing_and_end_with_what_TryExtractAsync_returns()
    {
        var client = new StreamClient(Script(Good, 6, usage: (12, 34)));
        var updates = new List<ExtractionUpdate<Dish>>();
        var shown = new List<string>();
        await foreach (ExtractionUpdate<Dish> update in client.ExtractStreamingAsync<Dish>("soup"))
        {
            updates.Add(update);
            shown.Add(DishAnswers.Describe(update.Partial as Dish.Partial));
        }

        Assert.Equal(ExtractionUpdateKind.AttemptStarted, updates[0].Kind);
        Assert.Null(updates[0].Partial);
        Assert.Equal(ExtractionUpdateKind.Completed, updates[^1].Kind);
        var partials = updates.Where(u => u.Kind == ExtractionUpdateKind.Partial).ToList();
        Assert.Equal(updates.Count - 2, partials.Count);
        Assert.True(partials.Count > 10);
        Assert.All(partials, p => Assert.Same(partials[0].Partial, p.Partial));
        Assert.All(updates, u => Assert.Equal(1, u.AttemptNumber));
        for (int i = 2; i < updates.Count - 1; i++)
        {
            Assert.NotEqual(shown[i - 1], shown[i]); // an update only when the view changed
        }

        Assert.Contains(shown, s => s.Contains("Name=~\"Sou\"", StringComparison.Ordinal));
        var view = Assert.IsType<Dish.Partial>(updates[^1].Partial);
        Assert.True(view.IsComplete);

        ExtractionResult<Dish> streamed = updates[^1].Result!;
        ExtractionResult<Dish> whole = await new WholeClient(Good, (12, 34)).TryExtractAsync<Dish>("soup");
        Assert.True(streamed.IsSuccess);
        Assert.Equal(DishAnswers.Describe(whole.Value!), DishAnswers.Describe(streamed.Value!));
        Assert.Equal(DishAnswers.Describe(streamed.Value!), DishAnswers.Describe(view));
        Assert.Equal(whole.Attempts.Select(a => (a.RawResponse, a.FailureKind, a.FinishReason)), streamed.Attempts.Select(a => (a.RawResponse, a.FailureKind, a.FinishReason)));
        Assert.Equal(46, streamed.Usage!.TotalTokenCount);
        Assert.Same(streamed.Attempts[0], updates[^1].Attempt);
        Assert.Equal(ChatResponseFormat.Json, client.Options[0]!.ResponseFormat);
    }

    [Fact]
    public async Task A_rejected_answer_is_re_asked_and_the_next_attempt_starts_a_new_view()
    {
        var client = new StreamClient(Script(BadEarly, 8, usage: (10, 5)), Script(Good, 8, usage: (20, 6)));
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup"));

        Assert.Equal(
            new[] { ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.AttemptFailed, ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.Completed },
            updates.Select(u => u.Kind).Where(k => k != ExtractionUpdateKind.Partial).ToArray());
        ExtractionUpdate<Dish> failed = updates.Single(u => u.Kind == ExtractionUpdateKind.AttemptFailed);
        Assert.Equal(1, failed.AttemptNumber);
        Assert.Equal(BadEarly, failed.Attempt!.RawResponse);
        Assert.Equal("$.servings", Assert.Single(failed.Errors).Path);
        Assert.Equal(15, failed.Usage!.TotalTokenCount);
        Assert.Equal(client.Pulled[0], client.Totals[0]); // read to its end without FailFast

        // The first attempt's partial updates already carried the error, as soon as the member closed.
        Assert.Contains(updates, u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 1 && u.Errors.Count == 1);

        var first = updates.First(u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 1).Partial;
        var second = updates.First(u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 2).Partial;
        Assert.NotSame(first, second);
        Assert.Equal(15, updates.First(u => u.Kind == ExtractionUpdateKind.Partial && u.AttemptNumber == 2).Usage!.TotalTokenCount);

        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.True(result.IsSuccess);
        Assert.Equal(2, updates[^1].AttemptNumber);
        Assert.Equal(30, result.Usage!.InputTokenCount);
        Assert.Equal(11, result.Usage.OutputTokenCount);
        List<ChatMessage> reask = client.Calls[1];
        Assert.Equal(BadEarly, reask[^2].Text);
        Assert.Contains("$.servings", reask[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_fast_stops_the_stream_at_the_first_invalid_member_and_re_asks_at_once()
    {
        var client = new StreamClient(Script(BadEarly, 4), Script(Good, 16));
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { FailFast = true }));

        ExtractionAttempt stopped = StoppedAtServings(updates);
        Assert.True(client.Pulled[0] < client.Totals[0]);
        Assert.True(client.Disposed[0]);
        Assert.Equal(stopped.RawResponse, client.Calls[1][^2].Text);
        Assert.True(updates[^1].Result!.IsSuccess);

        // With the retries spent, the stopped answer ends the extraction as invalid.
        client = new StreamClient(Script(BadEarly, 4));
        updates = await All(client.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { FailFast = true, MaxRetries = 0 }));
        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, result.FailureKind);
        Assert.Single(result.Attempts);
        Assert.True(client.Pulled[0] < client.Totals[0]);
    }

    [Fact]
    public async Task An_answer_cut_at_the_token_limit_ends_as_truncated()
    {
        string cut = Good[..90];
        var client = new StreamClient(Script(cut, 7, finish: ChatFinishReason.Length));
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup"));

        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        Assert.Equal(cut, Assert.Single(result.Attempts).RawResponse);
        Assert.Equal(ChatFinishReason.Length, result.Attempts[0].FinishReason);
        Assert.Single(client.Calls);
        Assert.Equal("Soup", ((Dish.Partial)updates[^1].Partial!).Name);
    }

    [Fact]
    public async Task Cancellation_stops_the_stream()
    {
        using var cts = new CancellationTokenSource();
        var client = new StreamClient(Script(Good, 3));
        int partials = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ExtractionUpdate<Dish> update in client.ExtractStreamingAsync<Dish>("soup", cancellationToken: cts.Token))
            {
                if (update.Kind == ExtractionUpdateKind.Partial && ++partials == 3)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(3, partials);
        Assert.True(client.Pulled[0] < client.Totals[0]);
        Assert.True(client.Disposed[0]);
    }

    [Fact]
    public async Task An_attempt_that_runs_out_of_time_keeps_the_text_received()
    {
        var client = new StreamClient(Script(Good[..40], 10).Append(Hang.Instance).ToArray());
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { AttemptTimeout = TimeSpan.FromMilliseconds(300) }));

        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.TimedOut, result.FailureKind);
        ExtractionAttempt attempt = Assert.Single(result.Attempts);
        Assert.Equal(Good[..40], attempt.RawResponse);
        Assert.Contains("time-out", attempt.FailureMessage, StringComparison.Ordinal);
        Assert.Equal("Soup", ((Dish.Partial)updates[^1].Partial!).Name);
    }

    [Fact]
    public async Task A_stream_cut_after_text_arrived_ends_as_interrupted_with_that_text()
    {
        var cut = new IOException("The response ended prematurely.");
        var client = new StreamClient(Script(Good[..70], 10).Append(cut).ToArray());
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup"));

        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Interrupted, result.FailureKind);
        ExtractionAttempt attempt = Assert.Single(result.Attempts);
        Assert.Equal(Good[..70], attempt.RawResponse);
        Assert.Equal("the answer broke off while it streamed: IOException: The response ended prematurely.", attempt.FailureMessage);
        Assert.Same(cut, result.Cause);
        Assert.Single(client.Calls);

        // The items stream throws it as ExtractionException, the client's exception inside.
        client = new StreamClient(Script(Good[..70], 10).Append(cut).ToArray());
        var thrown = await Assert.ThrowsAsync<ExtractionException>(() => All(client.ExtractItemsStreamingAsync<Dish, Ingredient>("soup", nameof(Dish.Ingredients))));
        Assert.Equal(ExtractionFailureKind.Interrupted, thrown.FailureKind);
        Assert.StartsWith("Could not extract Dish after 1 attempt: the streamed answer broke off. Last attempt: the answer broke off while it streamed: IOException:", thrown.Message, StringComparison.Ordinal);
        Assert.Same(cut, thrown.InnerException);
        Assert.Equal(Good[..70], thrown.Attempts[0].RawResponse);
    }

    [Fact]
    public async Task A_failure_before_any_text_propagates_with_the_earlier_attempts()
    {
        var refused = new HttpRequestException("503");
        var client = new StreamClient(new object[] { refused });
        Assert.Same(refused, await Assert.ThrowsAsync<HttpRequestException>(() => All(client.ExtractStreamingAsync<Dish>("soup"))));

        client = new StreamClient(Script(BadEarly, 50), new object[] { refused });
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => All(client.ExtractStreamingAsync<Dish>("soup")));
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(thrown.Data[ExtractionException.AttemptsDataKey]);
        Assert.Equal(BadEarly, Assert.Single(attempts).RawResponse);
    }

    [Fact]
    public async Task Items_stream_typed_as_they_close_and_start_again_after_a_re_ask()
    {
        var client = new StreamClient(Script(BadItem, 5), Script(Good, 5));
        var items = new List<(ExtractionItem<Ingredient> Item, int Pulled)>();
        await foreach (ExtractionItem<Ingredient> item in client.ExtractItemsStreamingAsync<Dish, Ingredient>("soup", nameof(Dish.Ingredients)))
        {
            items.Add((item, client.Pulled[item.AttemptNumber - 1]));
        }

        Assert.Equal(
            new[] { (1, 0, "salt"), (2, 0, "salt"), (2, 1, "water") },
            items.Select(i => (i.Item.AttemptNumber, i.Item.Index, i.Item.Value.Name)).ToArray());
        Assert.Equal(new Ingredient("water", 1.5, "l"), items[2].Item.Value);
        Assert.All(items, i => Assert.True(i.Pulled < client.Totals[i.Item.AttemptNumber - 1])); // yielded while the answer still streamed
        Assert.Equal(2, client.Calls.Count);
    }

    [Fact]
    public async Task Items_of_an_extraction_that_fails_end_in_ExtractionException()
    {
        var client = new StreamClient(Script(BadItem, 9));
        var seen = new List<string>();
        var thrown = await Assert.ThrowsAsync<ExtractionException>(async () =>
        {
            await foreach (ExtractionItem<Ingredient> item in client.ExtractItemsStreamingAsync<Dish, Ingredient>("soup", nameof(Dish.Ingredients), new ExtractOptions { MaxRetries = 0 }))
            {
                seen.Add(item.Value.Name);
            }
        });
        Assert.Equal(new[] { "salt" }, seen);
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, thrown.FailureKind);
        Assert.Equal("$.ingredients[1].quantity", thrown.Errors[0].Path);
    }

    [Fact]
    public void A_wrong_list_member_or_item_type_is_refused_at_the_call()
    {
        var client = new StreamClient();
        var notList = Assert.Throws<ArgumentException>(() => client.ExtractItemsStreamingAsync<Dish, string>("soup", nameof(Dish.Name)));
        Assert.Contains("Dish", notList.Message, StringComparison.Ordinal);
        Assert.Contains("\"Name\"", notList.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => client.ExtractItemsStreamingAsync<Dish, string>("soup", "ingredients"));
        Assert.Contains("\"ingredients\"", unknown.Message, StringComparison.Ordinal);
        var wrongType = Assert.Throws<ArgumentException>(() => client.ExtractItemsStreamingAsync<Dish, string>("soup", nameof(Dish.Ingredients)));
        Assert.Contains("Dish.Ingredients", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("Ingredient", wrongType.Message.Replace("Dish.Ingredients", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("String", wrongType.Message, StringComparison.Ordinal);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task In_tool_call_mode_the_view_fills_in_when_the_call_arrives_at_the_end()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(Good)!;
        var call = new FunctionCallContent("call_1", Dish.SchemaName, arguments);
        var client = new StreamClient(new object[] { call, ChatFinishReason.ToolCalls });
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { Mode = ExtractionMode.ToolCall }));

        Assert.Equal(
            new[] { ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.Partial, ExtractionUpdateKind.Completed },
            updates.Select(u => u.Kind).ToArray());
        var view = Assert.IsType<Dish.Partial>(updates[1].Partial);
        Assert.True(view.IsComplete);
        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.True(result.IsSuccess);
        Assert.Equal(DishAnswers.Describe(result.Value!), DishAnswers.Describe(view));
        Assert.Single(client.Options[0]!.Tools!);

        var items = await All(new StreamClient(new object[] { call }).ExtractItemsStreamingAsync<Dish, Ingredient>("soup", nameof(Dish.Ingredients), new ExtractOptions { Mode = ExtractionMode.ToolCall }));
        Assert.Equal(new[] { "salt", "water" }, items.Select(i => i.Value.Name).ToArray());
    }

    [Fact]
    public async Task In_tool_call_mode_argument_pieces_fill_the_view_piece_by_piece_and_end_as_the_whole_call_does()
    {
        var callerOptions = new ChatOptions { AdditionalProperties = new() { ["mine"] = 1 } };
        var toolCall = new ExtractOptions { Mode = ExtractionMode.ToolCall, ChatOptions = callerOptions };
        var client = new StreamClient(Pieces(Good, 6, Good));
        var updates = new List<(ExtractionUpdate<Dish> Update, string Shown, int Pulled)>();
        await foreach (ExtractionUpdate<Dish> update in client.ExtractStreamingAsync<Dish>("soup", toolCall))
        {
            updates.Add((update, DishAnswers.Describe(update.Partial as Dish.Partial), client.Pulled.Count > 0 ? client.Pulled[0] : 0));
        }

        var partials = updates.Where(u => u.Update.Kind == ExtractionUpdateKind.Partial).ToList();
        Assert.True(partials.Count > 10, partials.Count.ToString());
        Assert.Contains(partials, p => p.Shown.Contains("Name=~\"Sou\"", StringComparison.Ordinal));
        // The name was complete, and the first ingredient closed, long before the whole call arrived.
        int callStep = client.Totals[0] - 1;
        Assert.Contains(partials, p => ((Dish.Partial)p.Update.Partial!).IsMemberComplete(nameof(Dish.Name)) && p.Pulled < callStep / 2);
        Assert.All(partials, p => Assert.True(p.Pulled < callStep, "a view shown only when the whole call came"));
        Assert.True(((Dish.Partial)updates[^1].Update.Partial!).IsComplete);

        // The result is the one the whole call gives without pieces.
        ExtractionResult<Dish> streamed = updates[^1].Update.Result!;
        ExtractionResult<Dish> whole = (await All(new StreamClient(new object[] { Call(Good), ChatFinishReason.ToolCalls }).ExtractStreamingAsync<Dish>("soup", toolCall)))[^1].Result!;
        Assert.True(streamed.IsSuccess, string.Join("; ", streamed.Errors));
        Assert.Equal(DishAnswers.Describe(whole.Value!), DishAnswers.Describe(streamed.Value!));
        Assert.Equal(whole.Attempts.Select(a => (a.RawResponse, a.FailureKind, a.FinishReason)), streamed.Attempts.Select(a => (a.RawResponse, a.FailureKind, a.FinishReason)));
        Assert.Equal(Good, streamed.Attempts[0].RawResponse);

        // The request asks for the pieces; the caller's options are left as they were.
        Assert.Equal(true, client.Options[0]!.AdditionalProperties![ToolArgumentsPieceContent.RequestKey]);
        Assert.Equal(1, client.Options[0]!.AdditionalProperties!["mine"]);
        Assert.False(callerOptions.AdditionalProperties.ContainsKey(ToolArgumentsPieceContent.RequestKey));

        // Items close as their pieces arrive.
        client = new StreamClient(Pieces(Good, 6, Good));
        var items = new List<(string Name, int Pulled)>();
        await foreach (ExtractionItem<Ingredient> item in client.ExtractItemsStreamingAsync<Dish, Ingredient>("soup", nameof(Dish.Ingredients), toolCall))
        {
            items.Add((item.Value.Name, client.Pulled[0]));
        }

        Assert.Equal(new[] { "salt", "water" }, items.Select(i => i.Name).ToArray());
        Assert.All(items, i => Assert.True(i.Pulled < client.Totals[0] - 1));
    }

    [Fact]
    public async Task In_tool_call_mode_text_before_the_call_is_not_read_as_the_answer_even_when_it_holds_an_invalid_object()
    {
        // The model shows an example object (invalid for the contract) in prose, then makes the call: fail-fast must not
        // stop the attempt on the prose, and no view shows it.
        const string prose = "Here is the shape I will fill, e.g. {\"name\":\"x\",\"servings\":\"many\"}. Calling the tool now.";
        var options = new ExtractOptions { Mode = ExtractionMode.ToolCall, FailFast = true };
        var steps = new List<object>();
        for (int i = 0; i < prose.Length; i += 7)
        {
            steps.Add(prose.Substring(i, Math.Min(7, prose.Length - i)));
        }

        foreach (object[] script in new[] { steps.Concat(Pieces(Good, 6, Good)).ToArray(), steps.Concat(new object[] { Call(Good), ChatFinishReason.ToolCalls }).ToArray() })
        {
            var client = new StreamClient(script);
            var updates = await All(client.ExtractStreamingAsync<Dish>("soup", options));

            Assert.Single(client.Calls);
            Assert.DoesNotContain(updates, u => u.Kind == ExtractionUpdateKind.AttemptFailed);
            Assert.All(updates, u => Assert.Empty(u.Errors));
            Assert.All(updates.Where(u => u.Partial is not null), u => Assert.DoesNotContain("\"x\"", DishAnswers.Describe(u.Partial as Dish.Partial), StringComparison.Ordinal));
            ExtractionResult<Dish> result = updates[^1].Result!;
            Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
            Assert.Equal("Soup", result.Value!.Name);
            Assert.True(((Dish.Partial)updates[^1].Partial!).IsComplete);
        }
    }

    [Fact]
    public async Task In_tool_call_mode_fail_fast_stops_the_pieces_at_the_first_invalid_member_and_re_asks()
    {
        var client = new StreamClient(Pieces(BadEarly, 4, BadEarly), Pieces(Good, 16, Good));
        var options = new ExtractOptions { Mode = ExtractionMode.ToolCall, FailFast = true };
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup", options));

        ExtractionAttempt stopped = StoppedAtServings(updates);
        Assert.True(client.Pulled[0] < client.Totals[0] / 2);
        Assert.True(client.Disposed[0]);

        // The re-ask echoes what arrived and asks for the call again with the error.
        List<ChatMessage> reask = client.Calls[1];
        Assert.Equal(stopped.RawResponse, reask[^2].Text);
        Assert.Contains("$.servings", reask[^1].Text, StringComparison.Ordinal);
        Assert.Contains("Call \"Dish\" again", reask[^1].Text, StringComparison.Ordinal);
        Assert.True(updates[^1].Result!.IsSuccess);
    }

    [Fact]
    public async Task Pieces_whose_joined_text_is_not_the_final_call_end_with_the_value_of_the_final_call()
    {
        var toolCall = new ExtractOptions { Mode = ExtractionMode.ToolCall };

        // The pieces say 4 servings; the whole call the chat client hands over says 5: the call is what is judged.
        string five = Good.Replace("\"servings\":4", "\"servings\":5", StringComparison.Ordinal);
        var updates = await All(new StreamClient(Pieces(Good, 7, five)).ExtractStreamingAsync<Dish>("soup", toolCall));
        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.True(result.IsSuccess);
        Assert.Equal(5, result.Value!.Servings);
        Assert.Equal(five, result.Attempts[0].RawResponse);
        Assert.Equal(4, ((Dish.Partial)updates[^1].Partial!).Servings); // the view is what streamed

        // Spacing and escapes the chat client writes out differently: the same value as without pieces.
        string spaced = Good.Replace("{\"name\":\"Soup\",", "{\n  \"name\": \"Soup \\u00e9\",\n  ", StringComparison.Ordinal).Replace(",\"", ", \"", StringComparison.Ordinal) + "\n";
        updates = await All(new StreamClient(Pieces(spaced, 5, spaced)).ExtractStreamingAsync<Dish>("soup", toolCall));
        ExtractionResult<Dish> fromPieces = updates[^1].Result!;
        ExtractionResult<Dish> whole = (await All(new StreamClient(new object[] { Call(spaced), ChatFinishReason.ToolCalls }).ExtractStreamingAsync<Dish>("soup", toolCall)))[^1].Result!;
        Assert.True(fromPieces.IsSuccess, string.Join("; ", fromPieces.Errors));
        Assert.Equal("Soup \u00e9", fromPieces.Value!.Name); // the escape, read
        Assert.Equal(DishAnswers.Describe(whole.Value!), DishAnswers.Describe(fromPieces.Value!));
        Assert.Equal(whole.Attempts[0].RawResponse, fromPieces.Attempts[0].RawResponse);
        Assert.NotEqual(spaced, fromPieces.Attempts[0].RawResponse);

        // A repeated name: the chat client keeps one (the last), and so does the result, whatever the pieces held.
        string repeated = Good.Replace("\"servings\":4,", "\"servings\":4,\"name\":\"Stew\",", StringComparison.Ordinal);
        updates = await All(new StreamClient(Pieces(repeated, 6, repeated)).ExtractStreamingAsync<Dish>("soup", toolCall));
        whole = (await All(new StreamClient(new object[] { Call(repeated), ChatFinishReason.ToolCalls }).ExtractStreamingAsync<Dish>("soup", toolCall)))[^1].Result!;
        Assert.Equal(whole.FailureKind, updates[^1].Result!.FailureKind);
        Assert.Equal(whole.Attempts[0].RawResponse, updates[^1].Result!.Attempts[0].RawResponse);
        Assert.Equal(DishAnswers.Describe(whole.Value!), DishAnswers.Describe(updates[^1].Result!.Value!));
    }

    [Fact]
    public async Task A_generated_contract_builds_from_the_view_only_when_the_pieces_are_the_final_call_text()
    {
        // A generated contract's value is built from the view when the reader read exactly the answer: pieces as long
        // as the final call's arguments, but not the same text, must not be taken for it.
        object[] Steps(string final) => new object[]
        {
            new ToolArgumentsPieceContent("call_1", "point", "{\"x\":3,"),
            new ToolArgumentsPieceContent("call_1", null, "\"y\":4}"),
            Call(final, name: "point"),
            ChatFinishReason.ToolCalls,
        };

        var updates = await All(new StreamClient(Steps("{\"x\":3,\"y\":5}")).ExtractStreamingAsync<ToolPoint>("p"));
        Assert.Equal(new ToolPoint(3, 5), updates[^1].Result!.Value);
        Assert.Equal("{\"x\":3,\"y\":5}", updates[^1].Result!.Attempts[0].RawResponse);
        Assert.Equal(2, updates.Count(u => u.Kind == ExtractionUpdateKind.Partial)); // one per piece, none when the call came

        updates = await All(new StreamClient(Steps("{\"x\":3,\"y\":4}")).ExtractStreamingAsync<ToolPoint>("p"));
        Assert.Equal(new ToolPoint(3, 4), updates[^1].Result!.Value);

        // The range of x is checked on the value either way.
        updates = await All(new StreamClient(Steps("{\"x\":30,\"y\":4}"), Steps("{\"x\":3,\"y\":4}")).ExtractStreamingAsync<ToolPoint>("p"));
        ExtractionResult<ToolPoint> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, result.Attempts[0].FailureKind);
        Assert.Equal("$.x", Assert.Single(result.Attempts[0].Errors).Path);
        Assert.Equal(new ToolPoint(3, 4), result.Value);
    }

    [Fact]
    public async Task Only_the_first_call_of_the_contract_feeds_the_view_and_pieces_outside_tool_call_mode_are_ignored()
    {
        // Pieces of another tool's call, and of a second call of the contract with an invalid answer, come between the
        // contract's pieces; fail-fast would stop at once had they been read.
        var steps = new List<object>();
        object[] contract = Pieces(Good, 9, Good);
        steps.Add(new ToolArgumentsPieceContent("other_1", "lookup", "{\"q\":"));
        for (int i = 0; i < contract.Length; i++)
        {
            if (i == 2)
            {
                steps.Add(new ToolArgumentsPieceContent("other_1", null, "\"servings\"}"));
                steps.Add(new ToolArgumentsPieceContent("call_2", Dish.SchemaName, "{\"servings\":\"many\"}"));
            }

            steps.Add(contract[i]);
        }

        var updates = await All(new StreamClient(steps.ToArray()).ExtractStreamingAsync<Dish>("soup", new ExtractOptions { Mode = ExtractionMode.ToolCall, FailFast = true }));
        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Single(result.Attempts);
        Assert.All(updates, u => Assert.Empty(u.Errors));
        Assert.True(updates.Count(u => u.Kind == ExtractionUpdateKind.Partial) > 5);

        // A call whose first piece does not name its function is not read (the view would start mid-arguments).
        var unnamed = Pieces(Good, 9, Good).Select(s => s is ToolArgumentsPieceContent p ? new ToolArgumentsPieceContent(p.CallId, p.Text.StartsWith('{') ? null : Dish.SchemaName, p.Text) : s).ToArray();
        updates = await All(new StreamClient(unnamed).ExtractStreamingAsync<Dish>("soup", new ExtractOptions { Mode = ExtractionMode.ToolCall }));
        Assert.Equal(new[] { ExtractionUpdateKind.AttemptStarted, ExtractionUpdateKind.Partial, ExtractionUpdateKind.Completed }, updates.Select(u => u.Kind).ToArray());
        Assert.True(updates[^1].Result!.IsSuccess);

        // In JSON mode the answer is the text: pieces of a call beside it are not read.
        var mixed = new List<object> { new ToolArgumentsPieceContent("call_9", Dish.SchemaName, "{\"servings\":\"many\"") };
        mixed.AddRange(Script(Good, 8));
        var jsonClient = new StreamClient(mixed.ToArray());
        var callerOptions = new ChatOptions { AdditionalProperties = new() { ["mine"] = 1 } };
        updates = await All(jsonClient.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { FailFast = true, ChatOptions = callerOptions }));
        Assert.False(jsonClient.Options[0]!.AdditionalProperties!.ContainsKey(ToolArgumentsPieceContent.RequestKey)); // not asked for
        Assert.True(updates[^1].Result!.IsSuccess);
        Assert.Equal(Good, updates[^1].Result!.Attempts[0].RawResponse);
    }

    [Fact]
    public async Task A_stream_cut_in_the_pieces_ends_as_interrupted_with_the_pieces_received()
    {
        var cut = new IOException("The response ended prematurely.");
        object[] pieces = Pieces(Good, 10, Good);
        var client = new StreamClient(pieces.Take(7).Append(cut).ToArray());
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup", new ExtractOptions { Mode = ExtractionMode.ToolCall }));

        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.Equal(ExtractionFailureKind.Interrupted, result.FailureKind);
        Assert.Equal(Good[..70], Assert.Single(result.Attempts).RawResponse);
        Assert.Same(cut, result.Cause);
        Assert.Equal("Soup", ((Dish.Partial)updates[^1].Partial!).Name);
    }

    [Fact]
    public async Task Prose_and_a_fence_around_the_answer_stream_too_and_a_repair_is_left_to_the_end()
    {
        string text = "Here you go:\n```json\n" + Good.Replace("\"hot\"]", "\"hot\",]", StringComparison.Ordinal) + "\n```";
        var client = new StreamClient(Script(text, 5));
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup"));
        var view = (Dish.Partial)updates[^1].Partial!;
        Assert.Equal("Soup", view.Name);
        Assert.Equal(2, view.Ingredients!.CompleteCount);
        Assert.False(view.IsMemberComplete(nameof(Dish.Tags))); // the trailing comma stopped the view
        ExtractionResult<Dish> result = updates[^1].Result!;
        Assert.True(result.IsSuccess);
        Assert.NotEmpty(result.Attempts[0].Repairs);
    }

    [Fact]
    public async Task One_extraction_span_parents_the_chat_spans_of_every_attempt()
    {
        using var spans = new Telemetry.SpanRecorder();
        var inner = new StreamClient(Script(BadEarly, 20), Script(Good, 20));
        using IChatClient client = new ChatClientBuilder(inner).UseOpenTelemetry().Build();
        var updates = await All(client.ExtractStreamingAsync<Dish>("soup"));

        Assert.True(updates[^1].Result!.IsSuccess);
        System.Diagnostics.Activity extraction = spans.Extraction;
        Assert.Equal("extract Dish", extraction.DisplayName);
        Assert.Equal(spans.Root.SpanId, extraction.ParentSpanId);
        Assert.Equal(2, spans.Chats.Count);
        Assert.All(spans.Chats, chat => Assert.Equal(extraction.SpanId, chat.ParentSpanId));
        Assert.All(inner.CurrentAtCall, current => Assert.Same(extraction, current!.Parent)); // the chat span, under the extraction's
        Assert.Equal(2, extraction.Events.Count(e => e.Name == global::StructuredOutput.Telemetry.TelemetryNames.AttemptEvent));
        Assert.Same(spans.Root, System.Diagnostics.Activity.Current); // the extraction's span did not leak into the consumer
    }

    [Fact]
    public async Task A_contract_streams_its_result_whatever_its_view()
    {
        const string answer = "{\"x\":3,\"y\":4}";
        var updates = await All(new StreamClient(Script(answer, 3)).ExtractStreamingAsync<Point>("(3, 4)"));
        Assert.Equal(ExtractionUpdateKind.AttemptStarted, updates[0].Kind);
        ExtractionResult<Point> result = updates[^1].Result!;
        Assert.Equal(new Point(3, 4), result.Value);
        Assert.Equal(answer, result.Attempts[0].RawResponse);
    }

    [Fact]
    public async Task A_message_or_a_conversation_is_sent_as_ExtractAsync_sends_it()
    {
        var message = new ChatMessage(ChatRole.User, "soup for four");
        var client = new StreamClient(Script(Good, 40), Script(Good, 40), Script(Good, 40), Script(Good, 40));
        Assert.True((await All(client.ExtractStreamingAsync<Dish>(message)))[^1].Result!.IsSuccess);
        Assert.True((await All(client.ExtractStreamingAsync<Dish>(new[] { new ChatMessage(ChatRole.System, "Be brief."), message })))[^1].Result!.IsSuccess);
        Assert.Equal(2, (await All(client.ExtractItemsStreamingAsync<Dish, Ingredient>(message, nameof(Dish.Ingredients)))).Count);
        Assert.Equal(2, (await All(client.ExtractItemsStreamingAsync<Dish, Ingredient>(new[] { message }, nameof(Dish.Ingredients)))).Count);
        Assert.All(client.Calls, call => Assert.Contains("soup for four", call[^1].Text, StringComparison.Ordinal));
        Assert.Equal("Be brief.", client.Calls[1][1].Text);
        Assert.Throws<ArgumentException>(() => client.ExtractStreamingAsync<Dish>(new ChatMessage(ChatRole.Assistant, "x")));
        Assert.Throws<ArgumentNullException>(() => client.ExtractStreamingAsync<Dish>((string)null!));
    }

    private static async Task<List<TItem>> All<TItem>(IAsyncEnumerable<TItem> items)
    {
        var list = new List<TItem>();
        await foreach (TItem item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static object[] Script(string text, int size, (int Input, int Output)? usage = null, ChatFinishReason? finish = null)
    {
        var steps = new List<object>();
        for (int i = 0; i < text.Length; i += size)
        {
            steps.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        steps.Add(finish ?? ChatFinishReason.Stop);
        if (usage is { } u)
        {
            steps.Add(new UsageDetails { InputTokenCount = u.Input, OutputTokenCount = u.Output, TotalTokenCount = u.Input + u.Output });
        }

        return steps.ToArray();
    }

    // The arguments of a call of the contract streamed as pieces of 'size' characters (the function named on the first
    // piece only), then the whole call as the chat client hands it over (its arguments parsed from 'final'), then the finish.
    private static object[] Pieces(string text, int size, string final, string callId = "call_1")
    {
        var steps = new List<object>();
        for (int i = 0; i < text.Length; i += size)
        {
            steps.Add(new ToolArgumentsPieceContent(callId, i == 0 ? Dish.SchemaName : null, text.Substring(i, Math.Min(size, text.Length - i))));
        }

        steps.Add(Call(final, callId));
        steps.Add(ChatFinishReason.ToolCalls);
        return steps.ToArray();
    }

    // The whole call as Microsoft.Extensions.AI's own parser makes it from the arguments' text.
    private static FunctionCallContent Call(string arguments, string callId = "call_1", string? name = null) =>
        FunctionCallContent.CreateFromParsedArguments(arguments, callId, name ?? Dish.SchemaName, a => JsonSerializer.Deserialize<Dictionary<string, object?>>(a));

    // The one failed attempt of a fail-fast run over BadEarly: stopped at $.servings, its raw text what arrived up to
    // the invalid member, before the ingredients.
    private static ExtractionAttempt StoppedAtServings(IReadOnlyList<ExtractionUpdate<Dish>> updates)
    {
        ExtractionAttempt stopped = updates.Single(u => u.Kind == ExtractionUpdateKind.AttemptFailed).Attempt!;
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, stopped.FailureKind);
        Assert.Equal("$.servings", Assert.Single(stopped.Errors).Path);
        Assert.StartsWith(stopped.RawResponse!, BadEarly, StringComparison.Ordinal);
        Assert.Contains("\"servings\":500,", stopped.RawResponse, StringComparison.Ordinal);
        Assert.DoesNotContain("ingredients", stopped.RawResponse, StringComparison.Ordinal);
        return stopped;
    }

    private sealed class Hang
    {
        public static readonly Hang Instance = new();
    }

    /// <summary>Streams each request's script: text pieces, a finish reason, usage, a function call, an exception, or a hang until cancelled.</summary>
    private sealed class StreamClient : IChatClient
    {
        private readonly Queue<object[]> _scripts;

        public StreamClient(params object[][] scripts) => _scripts = new Queue<object[]>(scripts);

        public List<List<ChatMessage>> Calls { get; } = new();

        public List<ChatOptions?> Options { get; } = new();

        public List<System.Diagnostics.Activity?> CurrentAtCall { get; } = new();

        /// <summary>Per request: how many steps were handed out, of how many, and whether the stream was disposed.</summary>
        public List<int> Pulled { get; } = new();

        public List<int> Totals { get; } = new();

        public List<bool> Disposed { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Calls.Add(messages.ToList());
            Options.Add(options);
            CurrentAtCall.Add(System.Diagnostics.Activity.Current);
            object[] script = _scripts.Dequeue();
            int call = Pulled.Count;
            Pulled.Add(0);
            Totals.Add(script.Length);
            Disposed.Add(false);
            try
            {
                foreach (object step in script)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    Pulled[call]++;
                    switch (step)
                    {
                        case string text:
                            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
                            break;
                        case ChatFinishReason finish:
                            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = finish };
                            break;
                        case UsageDetails usage:
                            yield return new ChatResponseUpdate { Contents = { new UsageContent(usage) } };
                            break;
                        case AIContent content:
                            yield return new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { content });
                            break;
                        case Exception exception:
                            throw exception;
                        default:
                            await Task.Delay(Timeout.Infinite, cancellationToken);
                            break;
                    }
                }
            }
            finally
            {
                Disposed[call] = true;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Answers one request whole, for comparison.</summary>
    private sealed class WholeClient(string text, (int Input, int Output) usage) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
            {
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = usage.Input, OutputTokenCount = usage.Output, TotalTokenCount = usage.Input + usage.Output },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
