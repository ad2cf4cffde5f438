using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI.Batch;
using OpenAI.Files;
using StructuredOutput.Telemetry;

// The SDK marks its batch client as evaluation-only (OPENAI001); it is the official way to the Batch API.
#pragma warning disable OPENAI001

namespace StructuredOutput.Batching;

/// <summary>
/// A batch run on OpenAI's Batch API. Items are taken in windows of up to <see cref="OpenAIBatchOptions.MaxRequestsPerFile"/>;
/// each round of a window (first requests, then re-asks) is written to input files within the limits, uploaded and
/// submitted through the SDK's file and batch clients, polled with back-off, and its output and error files read line
/// by line as streams. Each answer is judged by the item's <see cref="ExtractionConversation{T}"/>; an answer to re-ask
/// goes into the next round. The journal keeps the submitted batches, each judged attempt and each result, and for each
/// batch read its usage and the requests it sent again, so a run stopped at any moment resumes by polling the batches it
/// had submitted instead of submitting them again, with the same usage and resubmission counts. The journal is synced to
/// the disk after each batch is submitted and after each batch's results are recorded.
/// </summary>
internal sealed class BatchApiRun<T>
    where T : ILlmExtractable<T>
{
    private const string BatchKind = "batch";
    private const string BatchDoneKind = "batchDone";
    private const string AttemptKind = "attempt";

    /// <summary>The <c>gen_ai.provider.name</c> of the run's span.</summary>
    private const string Provider = "openai";

    private readonly OpenAIFileClient _files;
    private readonly BatchClient _batches;
    private readonly string _model;
    private readonly OpenAIBatchOptions _options;
    private readonly BatchTally _tally;
    private BatchTrace? _trace;

    public BatchApiRun(OpenAIFileClient files, BatchClient batches, string model, OpenAIBatchOptions options, BatchTally tally)
    {
        _files = files;
        _batches = batches;
        _model = model;
        _options = options;
        _tally = tally;
    }

    /// <summary>The run, in its span (<c>batch_extract {model}</c>) when a listener wants one.</summary>
    public async IAsyncEnumerable<BatchItemResult<T>> RunAsync(IAsyncEnumerable<BatchItem> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using BatchTrace? trace = BatchTrace.Start<T>(_model, Provider, _options.Extract);
        _trace = trace;
        await using IAsyncEnumerator<BatchItemResult<T>> results = RunCoreAsync(items, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await results.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception e) when (Failed(trace, e, cancellationToken))
                {
                    throw; // never reached: the filter records the failure and lets it pass
                }

                yield return results.Current;

                // The caller's code ran with its own current span; the SDK's requests of this run go under the run's.
                if (trace is not null)
                {
                    Activity.Current = trace.Activity;
                }
            }

            trace?.Ended(_tally.Summary(), _tally.Progress(), TelemetryNames.Success, null);
        }
        finally
        {
            if (trace is { HasEnded: false })
            {
                // The caller stopped enumerating before the end.
                trace.Ended(_tally.Summary(), _tally.Progress(), TelemetryNames.Cancelled, null);
            }
        }
    }

    private bool Failed(BatchTrace? trace, Exception exception, CancellationToken cancellationToken)
    {
        bool cancelled = exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
        trace?.Ended(_tally.Summary(), _tally.Progress(), cancelled ? TelemetryNames.Cancelled : "exception", exception);
        return false;
    }

    private async IAsyncEnumerable<BatchItemResult<T>> RunCoreAsync(IAsyncEnumerable<BatchItem> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using BatchJournal? journal = _options.JournalPath is null ? null : BatchJournal.Open(_options.JournalPath, ContractNames<T>.FullName);
        var recorded = new RecordedState(journal);

        // What earlier runs of the journal read: the batches' usage and the requests they sent again.
        foreach (UsageDetails usage in recorded.BatchUsages)
        {
            _tally.BatchUsed(usage);
        }

        if (recorded.TotalResubmissions > 0)
        {
            _tally.Resubmitted(recorded.TotalResubmissions);
        }

        using var writer = new BatchRequestWriter(_model);

        // The ids of the whole input so far, not of a window: a repeat is caught wherever it is.
        var ids = new BatchIdSet();
        var window = new List<BatchItem>();
        await using IAsyncEnumerator<BatchItem> enumerator = items.GetAsyncEnumerator(cancellationToken);
        bool more = true;
        while (more)
        {
            // Every id of a window is checked before anything of it is uploaded.
            window.Clear();
            while (window.Count < _options.MaxRequestsPerFile && (more = await enumerator.MoveNextAsync().ConfigureAwait(false)))
            {
                BatchItem item = enumerator.Current ?? throw new ArgumentException("The items hold a null item.", nameof(items));
                if (!ids.Add(item.Id))
                {
                    throw new ArgumentException($"The item id '{item.Id}' is repeated: each item of a run needs its own id, the custom_id of its request lines.", nameof(items));
                }

                window.Add(item);
            }

            if (window.Count > 0)
            {
                await foreach (BatchItemResult<T> result in RunWindowAsync(window, journal, recorded, writer, cancellationToken).ConfigureAwait(false))
                {
                    yield return result;
                }
            }
        }
    }

    private async IAsyncEnumerable<BatchItemResult<T>> RunWindowAsync(
        List<BatchItem> window, BatchJournal? journal, RecordedState recorded, BatchRequestWriter writer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ExtractOptions? extract = _options.Extract;
        var pending = new Dictionary<string, ItemState>(StringComparer.Ordinal);
        foreach (BatchItem item in window)
        {
            if (journal is not null && journal.TryReadResult(item.Id, out JournalResult done))
            {
                ExtractionResult<T> replayed = done.Replay<T>(item.Input, extract);
                _tally.Finished(replayed, resumed: true);
                yield return new BatchItemResult<T>(item.Id, replayed, resumed: true);
                continue;
            }

            var state = new ItemState(item, new ExtractionConversation<T>(item.Input, extract)) { Resubmissions = recorded.ResubmissionsOf(item.Id) };
            foreach (JournalAnswer answer in recorded.AttemptsOf(item.Id))
            {
                answer.ReplayInto(state.Conversation);
                state.Answers.Add(answer);
            }

            pending[item.Id] = state;
        }

        // Batches an earlier run submitted for these items are polled, not submitted again.
        var active = new List<ActiveBatch>();
        foreach (OpenBatch open in recorded.OpenBatches)
        {
            var batch = new ActiveBatch(open.BatchId, open.Round);
            foreach (string id in open.Ids)
            {
                if (pending.TryGetValue(id, out ItemState? state) && state.InBatch is null && state.Round == open.Round)
                {
                    state.InBatch = batch;
                    batch.Ids.Add(id);
                }
            }

            if (batch.Ids.Count > 0)
            {
                active.Add(batch);
                _tally.InFlight(batch.Ids.Count);
            }
        }

        var finished = new List<BatchItemResult<T>>();
        while (pending.Count > 0)
        {
            await SubmitAsync(pending, active, journal, writer, cancellationToken).ConfigureAwait(false);
            (ActiveBatch batch, BatchStatus status) = await WaitForAnyAsync(active, cancellationToken).ConfigureAwait(false);
            active.Remove(batch);
            _tally.InFlight(-batch.Ids.Count);
            await ReadResultsAsync(batch, status, pending, journal, finished, cancellationToken).ConfigureAwait(false);

            // The batch's own usage (what the provider bills), else its answers'; recorded with the requests it sent
            // again, and synced with every result and attempt before it, before any of them is returned.
            UsageDetails usage = status.Usage is { } reported && (reported.TotalTokenCount > 0 || reported.InputTokenCount > 0 || batch.AnswersUsage.InputTokenCount is null or 0)
                ? reported
                : batch.AnswersUsage;
            if (journal is not null)
            {
                await journal.AppendStateAsync(
                    w =>
                    {
                        w.WriteString("batch", batch.BatchId);
                        w.WriteString("status", status.Status);
                        w.WritePropertyName("usage");
                        UsageRecord.Write(w, usage);
                        if (batch.Resubmitted.Count > 0)
                        {
                            w.WriteStartArray("resubmitted");
                            foreach (string id in batch.Resubmitted)
                            {
                                w.WriteStringValue(id);
                            }

                            w.WriteEndArray();
                        }
                    },
                    BatchDoneKind,
                    durable: true,
                    CancellationToken.None).ConfigureAwait(false);
            }

            _tally.BatchUsed(usage);
            if (batch.Resubmitted.Count > 0)
            {
                _tally.Resubmitted(batch.Resubmitted.Count);
            }

            _trace?.BatchRead(batch.BatchId, status.Status, batch.Ids.Count, batch.Resubmitted.Count);

            foreach (BatchItemResult<T> result in finished)
            {
                yield return result;
            }

            finished.Clear();
            if (status.Status == "failed")
            {
                throw new InvalidOperationException(
                    $"The Batch API failed batch {batch.BatchId}: {status.Errors ?? "no reason given"}. Its {batch.Ids.Count} requests were not run; the run resumes from the journal once the cause is fixed.");
            }
        }
    }

    private async Task SubmitAsync(Dictionary<string, ItemState> pending, List<ActiveBatch> active, BatchJournal? journal, BatchRequestWriter writer, CancellationToken cancellationToken)
    {
        var byRound = new SortedDictionary<int, List<ItemState>>();
        foreach (ItemState state in pending.Values)
        {
            if (state.InBatch is null)
            {
                if (!byRound.TryGetValue(state.Round, out var list))
                {
                    byRound[state.Round] = list = new List<ItemState>();
                }

                list.Add(state);
            }
        }

        foreach ((int round, List<ItemState> states) in byRound)
        {
            int next = 0;
            while (next < states.Count)
            {
                string path = Path.GetTempFileName();
                var batch = new ActiveBatch(string.Empty, round);
                try
                {
                    await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                    {
                        long bytes = 0;
                        while (next < states.Count && batch.Ids.Count < _options.MaxRequestsPerFile)
                        {
                            ItemState state = states[next];
                            byte[] body = await writer.BodyAsync(state.Conversation.Messages, state.Conversation.ChatOptions, cancellationToken).ConfigureAwait(false);
                            byte[] line = BatchRequestWriter.Line(state.Item.Id, body);
                            if (line.Length + 1 > _options.MaxBytesPerFile)
                            {
                                throw new InvalidOperationException(
                                    $"The request of item '{state.Item.Id}' takes {line.Length + 1} bytes, more than an input file may hold ({_options.MaxBytesPerFile}).");
                            }

                            if (bytes + line.Length + 1 > _options.MaxBytesPerFile)
                            {
                                break;
                            }

                            await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                            file.WriteByte((byte)'\n');
                            bytes += line.Length + 1;
                            batch.Ids.Add(state.Item.Id);
                            next++;
                        }

                        file.Position = 0;
                        OpenAIFile uploaded = await _files.UploadFileAsync(file, $"{ContractNames<T>.Name}-round{round}.jsonl", FileUploadPurpose.Batch, cancellationToken).ConfigureAwait(false);
                        batch.BatchId = await CreateBatchAsync(uploaded.Id, cancellationToken).ConfigureAwait(false);
                        if (journal is not null)
                        {
                            await journal.AppendStateAsync(
                                w =>
                                {
                                    w.WriteString("batch", batch.BatchId);
                                    w.WriteString("file", uploaded.Id);
                                    w.WriteNumber("round", round);
                                    w.WriteStartArray("ids");
                                    foreach (string id in batch.Ids)
                                    {
                                        w.WriteStringValue(id);
                                    }

                                    w.WriteEndArray();
                                },
                                BatchKind,
                                durable: true,
                                CancellationToken.None).ConfigureAwait(false);
                        }

                        _trace?.BatchSubmitted(batch.BatchId, uploaded.Id, round, batch.Ids.Count);
                    }
                }
                finally
                {
                    File.Delete(path);
                }

                int first = 0;
                foreach (string id in batch.Ids)
                {
                    ItemState state = pending[id];
                    state.InBatch = batch;
                    if (!state.Sent)
                    {
                        state.Sent = true;
                        first++;
                    }
                }

                // A request sent again (its batch did not run it) is neither a new item nor a re-ask.
                if (round == 1)
                {
                    _tally.Submitted(first);
                }
                else
                {
                    _tally.Retried(first);
                }

                _tally.InFlight(batch.Ids.Count);
                active.Add(batch);
            }
        }
    }

    private async Task<string> CreateBatchAsync(string inputFileId, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("input_file_id", inputFileId);
            w.WriteString("endpoint", BatchRequestWriter.ChatCompletionsUrl);
            w.WriteString("completion_window", "24h");
            w.WriteEndObject();
        }

        CreateBatchOperation operation = await _batches.CreateBatchAsync(
            BinaryContent.Create(BinaryData.FromBytes(buffer.ToArray())),
            waitUntilCompleted: false,
            new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        return operation.BatchId;
    }

    private async Task<(ActiveBatch Batch, BatchStatus Status)> WaitForAnyAsync(List<ActiveBatch> active, CancellationToken cancellationToken)
    {
        TimeSpan delay = _options.PollInterval;
        while (true)
        {
            foreach (ActiveBatch batch in active)
            {
                ClientResult result = await _batches.GetBatchAsync(batch.BatchId, new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
                BatchStatus status = BatchStatus.Read(result.GetRawResponse().Content);
                _trace?.BatchPolled(batch.BatchId, status.Status);
                if (status.IsTerminal)
                {
                    return (batch, status);
                }
            }

            await _options.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollInterval.Ticks));
        }
    }

    private async Task ReadResultsAsync(ActiveBatch batch, BatchStatus status, Dictionary<string, ItemState> pending, BatchJournal? journal, List<BatchItemResult<T>> finished, CancellationToken cancellationToken)
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        if (status.OutputFileId is { } output)
        {
            await foreach (ReadOnlyMemory<byte> line in DownloadLinesAsync(output, cancellationToken).ConfigureAwait(false))
            {
                await ReadLineAsync(line, batch, pending, journal, finished, answered, cancellationToken).ConfigureAwait(false);
            }
        }

        if (status.ErrorFileId is { } errors)
        {
            await foreach (ReadOnlyMemory<byte> line in DownloadLinesAsync(errors, cancellationToken).ConfigureAwait(false))
            {
                await ReadLineAsync(line, batch, pending, journal, finished, answered, cancellationToken).ConfigureAwait(false);
            }
        }

        // Requests the batch did not run (it expired, was cancelled or failed): sent again, up to the limit.
        foreach (string id in batch.Ids)
        {
            if (!answered.Contains(id) && pending.TryGetValue(id, out ItemState? state) && state.InBatch == batch)
            {
                state.InBatch = null;
                if (status.Status != "failed")
                {
                    if (++state.Resubmissions > _options.MaxResubmissions)
                    {
                        throw new InvalidOperationException(
                            $"The request of item '{id}' was not run by {state.Resubmissions} batches (the last, {batch.BatchId}, {status.Status}); OpenAIBatchOptions.MaxResubmissions is {_options.MaxResubmissions}.");
                    }

                    batch.Resubmitted.Add(id);
                }
            }
        }
    }

    private async Task ReadLineAsync(ReadOnlyMemory<byte> line, ActiveBatch batch, Dictionary<string, ItemState> pending, BatchJournal? journal, List<BatchItemResult<T>> finished, HashSet<string> answered, CancellationToken cancellationToken)
    {
        BatchOutputLine read = BatchOutputLine.Read(line.Span); // the line is reused once this returns: nothing keeps it
        if (read.CustomId is not { } id || !pending.TryGetValue(id, out ItemState? state) || state.InBatch != batch || !answered.Add(id))
        {
            return; // not a request of this batch, or one already read
        }

        state.InBatch = null;
        JournalAnswer answer;
        if (read.Response is { } response)
        {
            state.Conversation.Record(response);
            state.Sent = false; // the next request, if any, is a re-ask
            answer = JournalAnswer.From(response);
            _tally.Used(response.Usage);
            if (response.Usage is { } used)
            {
                batch.AnswersUsage.Add(used);
            }
        }
        else if (++state.Resubmissions <= _options.MaxResubmissions)
        {
            batch.Resubmitted.Add(id);
            return; // a request that failed on the provider's side (the error file): sent again
        }
        else
        {
            ExtractionAttempt ended = state.Conversation.RecordUnreadable(new UnreadableResponseException("the Batch API reported for this request " + read.Error, read.Body));
            answer = JournalAnswer.Ended(ended, null);
        }

        state.Answers.Add(answer);
        if (state.Conversation.IsFinished)
        {
            if (journal is not null)
            {
                await journal.AppendResultAsync(id, state.Answers, cancellationToken).ConfigureAwait(false);
            }

            pending.Remove(id);
            ExtractionResult<T> result = state.Conversation.Result;
            _tally.Finished(result, resumed: false);
            finished.Add(new BatchItemResult<T>(id, result, resumed: false));
        }
        else if (journal is not null)
        {
            await journal.AppendStateAsync(
                w =>
                {
                    w.WriteString("id", id);
                    w.WritePropertyName("answer");
                    answer.Write(w);
                },
                AttemptKind,
                durable: false,
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> DownloadLinesAsync(string fileId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ClientResult result = await _files.DownloadFileAsync(fileId, new RequestOptions { BufferResponse = false, CancellationToken = cancellationToken }).ConfigureAwait(false);
        using PipelineResponse response = result.GetRawResponse();
        Stream stream = response.ContentStream ?? throw new InvalidOperationException($"The Batch API returned no content for file {fileId}.");
        await foreach (ReadOnlyMemory<byte> line in JsonLines.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>An item not finished yet: its conversation, the attempts to journal, and the batch its request is in.</summary>
    private sealed class ItemState
    {
        public ItemState(BatchItem item, ExtractionConversation<T> conversation)
        {
            Item = item;
            Conversation = conversation;
        }

        public BatchItem Item { get; }

        public ExtractionConversation<T> Conversation { get; }

        public List<JournalAnswer> Answers { get; } = new(2);

        /// <summary>The number of the attempt its next request is: 1 for the first request, 2 for the first re-ask…</summary>
        public int Round => Conversation.Attempts.Count + 1;

        public ActiveBatch? InBatch { get; set; }

        /// <summary>Whether this round's request has been sent in this run.</summary>
        public bool Sent { get; set; }

        public int Resubmissions { get; set; }
    }

    private sealed class ActiveBatch
    {
        public ActiveBatch(string batchId, int round)
        {
            BatchId = batchId;
            Round = round;
        }

        public string BatchId { get; set; }

        public int Round { get; }

        public List<string> Ids { get; } = new();

        /// <summary>The usage of the answers read from its output file.</summary>
        public UsageDetails AnswersUsage { get; } = new();

        /// <summary>Its requests to be sent again (not run, or in its error file).</summary>
        public List<string> Resubmitted { get; } = new();
    }

    private readonly record struct OpenBatch(string BatchId, int Round, List<string> Ids);

    /// <summary>What the journal holds besides results: the judged attempts of unfinished items and the batches not yet read.</summary>
    private sealed class RecordedState
    {
        private readonly Dictionary<string, List<JournalAnswer>> _attempts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _resubmissions = new(StringComparer.Ordinal);
        private readonly List<UsageDetails> _usages = new();

        public RecordedState(BatchJournal? journal)
        {
            if (journal is null)
            {
                return;
            }

            var open = new Dictionary<string, OpenBatch>(StringComparer.Ordinal);
            foreach (JsonElement record in journal.States)
            {
                switch (record.GetProperty("record").GetString())
                {
                    case AttemptKind:
                        string id = record.GetProperty("id").GetString()!;
                        if (!_attempts.TryGetValue(id, out var list))
                        {
                            _attempts[id] = list = new List<JournalAnswer>();
                        }

                        list.Add(JournalAnswer.Read(record.GetProperty("answer")));
                        break;
                    case BatchKind:
                        var ids = new List<string>();
                        foreach (JsonElement each in record.GetProperty("ids").EnumerateArray())
                        {
                            ids.Add(each.GetString()!);
                        }

                        string batchId = record.GetProperty("batch").GetString()!;
                        open[batchId] = new OpenBatch(batchId, record.GetProperty("round").GetInt32(), ids);
                        break;
                    case BatchDoneKind:
                        open.Remove(record.GetProperty("batch").GetString()!);
                        if (record.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
                        {
                            _usages.Add(UsageRecord.Read(usage));
                        }

                        if (record.TryGetProperty("resubmitted", out JsonElement resubmitted) && resubmitted.ValueKind == JsonValueKind.Array)
                        {
                            foreach (JsonElement each in resubmitted.EnumerateArray())
                            {
                                string again = each.GetString()!;
                                _resubmissions[again] = _resubmissions.TryGetValue(again, out int n) ? n + 1 : 1;
                                TotalResubmissions++;
                            }
                        }

                        break;
                }
            }

            OpenBatches = open.Values;
        }

        public IEnumerable<OpenBatch> OpenBatches { get; } = Array.Empty<OpenBatch>();

        /// <summary>The usage of each batch earlier runs read.</summary>
        public IReadOnlyList<UsageDetails> BatchUsages => _usages;

        /// <summary>The requests earlier runs sent again.</summary>
        public long TotalResubmissions { get; }

        /// <summary>How many times earlier runs sent the request of <paramref name="id"/> again.</summary>
        public int ResubmissionsOf(string id) => _resubmissions.TryGetValue(id, out int n) ? n : 0;

        public IReadOnlyList<JournalAnswer> AttemptsOf(string id) =>
            _attempts.TryGetValue(id, out var list) ? list : Array.Empty<JournalAnswer>();
    }
}

/// <summary>What a batch's status says: its state, its result files, its errors and its usage (null when it reports none).</summary>
internal readonly record struct BatchStatus(string Status, string? OutputFileId, string? ErrorFileId, string? Errors, UsageDetails? Usage)
{
    /// <summary>Whether the batch will change no more: completed, failed, expired or cancelled.</summary>
    public bool IsTerminal => Status is "completed" or "failed" or "expired" or "cancelled";

    public static BatchStatus Read(BinaryData json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string? errors = null;
        if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            var messages = new List<string>();
            foreach (JsonElement error in data.EnumerateArray())
            {
                string? code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                string? message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                messages.Add((code is null ? string.Empty : code + ": ") + message);
            }

            errors = string.Join("; ", messages);
        }

        return new BatchStatus(
            root.GetProperty("status").GetString() ?? string.Empty,
            root.TryGetProperty("output_file_id", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null,
            root.TryGetProperty("error_file_id", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null,
            errors,
            root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? ReadUsage(u) : null);
    }

    // The Batch object's usage: input_tokens, output_tokens, total_tokens, input_tokens_details.cached_tokens and
    // output_tokens_details.reasoning_tokens (the Responses API's names, not the chat completion's).
    private static UsageDetails ReadUsage(JsonElement usage) => new()
    {
        InputTokenCount = Count(usage, "input_tokens"),
        OutputTokenCount = Count(usage, "output_tokens"),
        TotalTokenCount = Count(usage, "total_tokens"),
        CachedInputTokenCount = usage.TryGetProperty("input_tokens_details", out var i) && i.ValueKind == JsonValueKind.Object ? Count(i, "cached_tokens") : null,
        ReasoningTokenCount = usage.TryGetProperty("output_tokens_details", out var o) && o.ValueKind == JsonValueKind.Object ? Count(o, "reasoning_tokens") : null,
    };

    private static long? Count(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;
}

/// <summary>A usage as the journal records it: <c>input</c>, <c>output</c>, <c>total</c>, <c>cached</c>, <c>reasoning</c>, each when known.</summary>
internal static class UsageRecord
{
    public static void Write(Utf8JsonWriter writer, UsageDetails usage)
    {
        writer.WriteStartObject();
        Write(writer, "input", usage.InputTokenCount);
        Write(writer, "output", usage.OutputTokenCount);
        Write(writer, "total", usage.TotalTokenCount);
        Write(writer, "cached", usage.CachedInputTokenCount);
        Write(writer, "reasoning", usage.ReasoningTokenCount);
        writer.WriteEndObject();
    }

    public static UsageDetails Read(JsonElement usage) => new()
    {
        InputTokenCount = Read(usage, "input"),
        OutputTokenCount = Read(usage, "output"),
        TotalTokenCount = Read(usage, "total"),
        CachedInputTokenCount = Read(usage, "cached"),
        ReasoningTokenCount = Read(usage, "reasoning"),
    };

    private static void Write(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
    }

    private static long? Read(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;
}
