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
/// A batch run on OpenAI's Batch API. The items are first read once into a temporary spool file (<see cref="BatchSpool"/>),
/// every id checked, so a repeat anywhere ends the run before anything is uploaded. Then batches are kept in flight:
/// while fewer than <see cref="OpenAIBatchOptions.MaxBatchesInFlight"/> are active (and their estimated tokens leave room
/// in <see cref="OpenAIBatchOptions.MaxEnqueuedTokens"/>), the next batch is written within the file limits, uploaded and
/// submitted through the SDK's file and batch clients: the requests of the lowest round waiting (requests sent again,
/// re-asks), topped up with the first requests of the next items of the spool. The active batches are polled with
/// back-off, and each one that ends has its output and error files read line by line as streams. Each answer is judged
/// by the item's <see cref="ExtractionConversation{T}"/>, rebuilt from the spool and the item's earlier answers (a pending
/// item keeps only its id, its place in the spool and its answers); an answer to re-ask waits for a later batch. A batch
/// failed with <c>token_limit_exceeded</c> while others are active is not fatal: its requests wait for one to end, and
/// the run keeps to as many batches at once as were active. The journal keeps the submitted batches, each judged attempt
/// and each result, and for each batch read its usage and the requests it sent again, so a run stopped at any moment
/// resumes by polling every batch it had open instead of submitting them again, with the same usage and resubmission
/// counts. The journal is synced to the disk after each batch is submitted and after each batch's results are recorded.
/// </summary>
internal sealed class BatchApiRun<T>
    where T : ILlmExtractable<T>
{
    private const string BatchKind = "batch";
    private const string BatchDoneKind = "batchDone";
    private const string AttemptKind = "attempt";

    /// <summary>The most results of resumed items held before they are returned, while the spool is read for new items.</summary>
    private const int MaxResumedHeld = 1024;

    /// <summary>The <c>gen_ai.provider.name</c> of the run's span.</summary>
    private const string Provider = "openai";

    private readonly OpenAIFileClient _files;
    private readonly BatchClient _batches;
    private readonly string _model;
    private readonly OpenAIBatchOptions _options;
    private readonly BatchTally _tally;
    private readonly Dictionary<string, ItemState> _pending = new(StringComparer.Ordinal);
    private readonly List<ActiveBatch> _active = new();
    private readonly List<BatchItemResult<T>> _finished = new();
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private BatchTrace? _trace;
    private BatchJournal? _journal;
    private RecordedState _recorded = null!;
    private BatchSpool _spool = null!;
    private BatchRequestWriter _writer = null!;
    private IAsyncEnumerator<(BatchItem Item, SpoolEntry Entry)>? _unread;
    private long _activeTokens;
    private int _maxInFlight;

    /// <summary>How many items read from the spool were past their first round (an earlier run re-asked them).</summary>
    private int _readPastFirstRound;

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
        _journal = journal;
        _recorded = recorded;
        _maxInFlight = _options.MaxBatchesInFlight;

        // What earlier runs of the journal read: the batches' usage and the requests they sent again.
        foreach (UsageDetails usage in recorded.BatchUsages)
        {
            _tally.BatchUsed(usage);
        }

        if (recorded.TotalResubmissions > 0)
        {
            _tally.Resubmitted(recorded.TotalResubmissions);
        }

        // Every item is read, its id checked and its input written to the spool before anything is uploaded; the places
        // of the items of batches an earlier run left open are kept on the way.
        var openEntries = new Dictionary<string, SpoolEntry?>(StringComparer.Ordinal);
        foreach (OpenBatch open in recorded.OpenBatches)
        {
            foreach (string id in open.Ids)
            {
                openEntries[id] = null;
            }
        }

        Action<string, SpoolEntry>? written = openEntries.Count == 0 ? null : (id, entry) =>
        {
            if (openEntries.ContainsKey(id))
            {
                openEntries[id] = entry;
            }
        };
        await using BatchSpool spool = await BatchSpool.WriteAsync(items, written, cancellationToken).ConfigureAwait(false);
        using var writer = new BatchRequestWriter(_model);
        _spool = spool;
        _writer = writer;

        // Batches an earlier run submitted are polled, not submitted again: their items are taken from the spool now,
        // and skipped when the spool is read in order.
        foreach (OpenBatch open in recorded.OpenBatches)
        {
            var batch = new ActiveBatch(open.BatchId, open.Round) { Tokens = open.Tokens };
            foreach (string id in open.Ids)
            {
                if (openEntries.GetValueOrDefault(id) is not { } entry || (journal is not null && journal.HasResult(id)))
                {
                    continue; // not in this run's input, or finished (returned as resumed when the spool is read)
                }

                if (!_pending.TryGetValue(id, out ItemState? state))
                {
                    state = NewState(id, entry);
                    _pending[id] = state;
                    _taken.Add(id);
                }

                if (state.InBatch is null && state.Round == open.Round)
                {
                    state.InBatch = batch;
                    batch.Ids.Add(id);
                }
            }

            if (batch.Ids.Count > 0)
            {
                _active.Add(batch);
                _activeTokens += batch.Tokens;
                _tally.InFlight(batch.Ids.Count);
            }
        }

        openEntries.Clear();

        await using IAsyncEnumerator<(BatchItem Item, SpoolEntry Entry)> unread = spool.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        _unread = unread;
        while (true)
        {
            // New batches while there is room: fewer than the batches allowed at once, and within the token quota.
            while (_active.Count < _maxInFlight && await SubmitNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (BatchItemResult<T> result in _finished)
                {
                    yield return result;
                }

                _finished.Clear();
            }

            foreach (BatchItemResult<T> result in _finished)
            {
                yield return result;
            }

            _finished.Clear();
            if (_active.Count == 0)
            {
                if (_pending.Count == 0 && _unread is null)
                {
                    break;
                }

                throw new InvalidOperationException($"{_pending.Count} items wait for a batch but none could be submitted."); // a defect of the run, not of the input
            }

            (ActiveBatch batch, BatchStatus status) = await WaitForAnyAsync(_active, cancellationToken).ConfigureAwait(false);
            _active.Remove(batch);
            _activeTokens -= batch.Tokens;
            _tally.InFlight(-batch.Ids.Count);
            await ReadResultsAsync(batch, status, cancellationToken).ConfigureAwait(false);

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

            foreach (BatchItemResult<T> result in _finished)
            {
                yield return result;
            }

            _finished.Clear();
            if (status.Status == "failed")
            {
                if (status.TokenLimitExceeded && _active.Count > 0)
                {
                    // The model's enqueued-token quota is full: not a fault of the requests. They wait for an active
                    // batch to end (the batch is done in the journal, its requests not counted as sent again), and the
                    // run keeps to as many batches at once as the quota held.
                    _maxInFlight = _active.Count;
                    continue;
                }

                throw new InvalidOperationException(
                    $"The Batch API failed batch {batch.BatchId}: {status.Errors ?? "no reason given"}. Its {batch.Ids.Count} requests were not run; the run resumes from the journal once the cause is fixed.");
            }
        }
    }

    /// <summary>
    /// Writes, uploads and submits one batch: the requests of the lowest round waiting for a batch (requests sent again,
    /// re-asks, items an earlier run re-asked), topped up with the first requests of new items from the spool when they
    /// are first requests too; within the file limits and the room left in <see cref="OpenAIBatchOptions.MaxEnqueuedTokens"/>.
    /// </summary>
    /// <returns>Whether to call again: a batch was submitted, or results of resumed items wait to be returned.</returns>
    private async Task<bool> SubmitNextAsync(CancellationToken cancellationToken)
    {
        int round = int.MaxValue;
        foreach (ItemState state in _pending.Values)
        {
            if (state.InBatch is null && state.Round < round)
            {
                round = state.Round;
            }
        }

        var waiting = new List<ItemState>();
        if (round != int.MaxValue)
        {
            foreach (ItemState state in _pending.Values)
            {
                if (state.InBatch is null && state.Round == round)
                {
                    waiting.Add(state);
                }
            }
        }
        else if (_unread is null)
        {
            return false; // nothing waits and nothing is left to read
        }
        else
        {
            round = 1;
        }

        long? room = _options.MaxEnqueuedTokens is { } max ? max - _activeTokens : null;
        if (room <= 0 && _active.Count > 0)
        {
            return false;
        }

        string path = Path.GetTempFileName();
        var batch = new ActiveBatch(string.Empty, round);
        var states = new List<ItemState>();
        bool resultsWaiting = false;
        int pastFirstRound = _readPastFirstRound;
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                long bytes = 0;
                int next = 0;
                while (batch.Ids.Count < _options.MaxRequestsPerFile)
                {
                    ItemState? state;
                    ExtractionInput? input = null;
                    if (next < waiting.Count)
                    {
                        state = waiting[next++];
                    }
                    else if (round == 1 && _unread is not null)
                    {
                        (state, input) = await ReadNewAsync(cancellationToken).ConfigureAwait(false);
                        if (state is null)
                        {
                            if (batch.Ids.Count == 0 && _finished.Count >= MaxResumedHeld)
                            {
                                resultsWaiting = true; // returned before more of the spool is read
                                break;
                            }

                            continue;
                        }
                    }
                    else
                    {
                        break;
                    }

                    ExtractionConversation<T> conversation = await ConversationAsync(state, input, cancellationToken).ConfigureAwait(false);
                    byte[] body = await _writer.BodyAsync(conversation.Messages, conversation.ChatOptions, cancellationToken).ConfigureAwait(false);
                    byte[] line = BatchRequestWriter.Line(state.Id, body);
                    if (line.Length + 1 > _options.MaxBytesPerFile)
                    {
                        throw new InvalidOperationException(
                            $"The request of item '{state.Id}' takes {line.Length + 1} bytes, more than an input file may hold ({_options.MaxBytesPerFile}).");
                    }

                    long tokens = EstimatedTokens(line.Length);
                    if (bytes + line.Length + 1 > _options.MaxBytesPerFile
                        || (room is { } left && batch.Tokens + tokens > left && (batch.Ids.Count > 0 || _active.Count > 0)))
                    {
                        break; // the item waits for the next batch
                    }

                    await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    file.WriteByte((byte)'\n');
                    bytes += line.Length + 1;
                    batch.Tokens += tokens;
                    batch.Ids.Add(state.Id);
                    states.Add(state);
                }

                if (batch.Ids.Count == 0)
                {
                    // Call again when results wait to be returned, or when the spool gave items that wait for a later
                    // round's batch (the next call writes theirs).
                    return resultsWaiting || _readPastFirstRound != pastFirstRound;
                }

                file.Position = 0;
                OpenAIFile uploaded = await _files.UploadFileAsync(file, $"{ContractNames<T>.Name}-round{round}.jsonl", FileUploadPurpose.Batch, cancellationToken).ConfigureAwait(false);
                batch.BatchId = await CreateBatchAsync(uploaded.Id, cancellationToken).ConfigureAwait(false);
                if (_journal is not null)
                {
                    await _journal.AppendStateAsync(
                        w =>
                        {
                            w.WriteString("batch", batch.BatchId);
                            w.WriteString("file", uploaded.Id);
                            w.WriteNumber("round", round);
                            w.WriteNumber("tokens", batch.Tokens);
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
        foreach (ItemState state in states)
        {
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
        _active.Add(batch);
        _activeTokens += batch.Tokens;
        return true;
    }

    /// <summary>
    /// The estimated input tokens of a request line of <paramref name="bytes"/> UTF-8 bytes: a quarter of them, rounded up
    /// (what <see cref="OpenAIBatchOptions.MaxEnqueuedTokens"/> is checked against; the provider counts its own tokens).
    /// </summary>
    internal static long EstimatedTokens(long bytes) => (bytes + 3) / 4;

    /// <summary>
    /// Reads the spool on to the next new item whose next request is a first request (returned, and pending), returning
    /// none after a result the journal holds (added to the results to return) or at the spool's end. Items an earlier
    /// run re-asked become pending on the way, to wait with the others of their round.
    /// </summary>
    private async Task<(ItemState? State, ExtractionInput? Input)> ReadNewAsync(CancellationToken cancellationToken)
    {
        while (_unread is not null)
        {
            if (!await _unread.MoveNextAsync().ConfigureAwait(false))
            {
                _unread = null;
                break;
            }

            (BatchItem item, SpoolEntry entry) = _unread.Current;
            if (_taken.Contains(item.Id))
            {
                continue; // in a batch an earlier run submitted, taken before the spool was read in order
            }

            if (_journal is not null && _journal.TryReadResult(item.Id, out JournalResult done))
            {
                ExtractionResult<T> replayed = done.Replay<T>(item.Input, _options.Extract);
                _tally.Finished(replayed, resumed: true);
                _finished.Add(new BatchItemResult<T>(item.Id, replayed, resumed: true));
                return (null, null);
            }

            ItemState state = NewState(item.Id, entry);
            _pending[item.Id] = state;
            if (state.Round == 1)
            {
                return (state, item.Input);
            }

            _readPastFirstRound++;
        }

        return (null, null);
    }

    /// <summary>A pending item at <paramref name="entry"/> of the spool, with the attempts and resubmissions the journal holds of it.</summary>
    private ItemState NewState(string id, SpoolEntry entry)
    {
        var state = new ItemState(id, entry) { Resubmissions = _recorded.ResubmissionsOf(id) };
        state.Answers.AddRange(_recorded.AttemptsOf(id));
        return state;
    }

    /// <summary>
    /// The item's conversation so far, rebuilt from its input (<paramref name="input"/>, or read from the spool) and its
    /// judged attempts: a pending item keeps only its answers, not its messages.
    /// </summary>
    private async Task<ExtractionConversation<T>> ConversationAsync(ItemState state, ExtractionInput? input, CancellationToken cancellationToken)
    {
        input ??= (await _spool.ReadAsync(state.Entry, cancellationToken).ConfigureAwait(false)).Input;
        var conversation = new ExtractionConversation<T>(input, _options.Extract);
        foreach (JournalAnswer answer in state.Answers)
        {
            answer.ReplayInto(conversation);
        }

        return conversation;
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

    private async Task ReadResultsAsync(ActiveBatch batch, BatchStatus status, CancellationToken cancellationToken)
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        if (status.OutputFileId is { } output)
        {
            await foreach (ReadOnlyMemory<byte> line in DownloadLinesAsync(output, cancellationToken).ConfigureAwait(false))
            {
                await ReadLineAsync(line, batch, answered, cancellationToken).ConfigureAwait(false);
            }
        }

        if (status.ErrorFileId is { } errors)
        {
            await foreach (ReadOnlyMemory<byte> line in DownloadLinesAsync(errors, cancellationToken).ConfigureAwait(false))
            {
                await ReadLineAsync(line, batch, answered, cancellationToken).ConfigureAwait(false);
            }
        }

        // Requests the batch did not run (it expired, was cancelled or failed): sent again, up to the limit.
        foreach (string id in batch.Ids)
        {
            if (!answered.Contains(id) && _pending.TryGetValue(id, out ItemState? state) && state.InBatch == batch)
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

    private async Task ReadLineAsync(ReadOnlyMemory<byte> line, ActiveBatch batch, HashSet<string> answered, CancellationToken cancellationToken)
    {
        BatchOutputLine read = BatchOutputLine.Read(line.Span); // the line is reused once this returns: nothing keeps it
        if (read.CustomId is not { } id || !_pending.TryGetValue(id, out ItemState? state) || state.InBatch != batch || !answered.Add(id))
        {
            return; // not a request of this batch, or one already read
        }

        state.InBatch = null;
        if (read.Response is null && ++state.Resubmissions <= _options.MaxResubmissions)
        {
            batch.Resubmitted.Add(id);
            return; // a request that failed on the provider's side (the error file): sent again
        }

        ExtractionConversation<T> conversation = await ConversationAsync(state, null, cancellationToken).ConfigureAwait(false);
        JournalAnswer answer;
        if (read.Response is { } response)
        {
            conversation.Record(response);
            state.Sent = false; // the next request, if any, is a re-ask
            answer = JournalAnswer.From(response);
            _tally.Used(response.Usage);
            if (response.Usage is { } used)
            {
                batch.AnswersUsage.Add(used);
            }
        }
        else
        {
            ExtractionAttempt ended = conversation.RecordUnreadable(new UnreadableResponseException("the Batch API reported for this request " + read.Error, read.Body));
            answer = JournalAnswer.Ended(ended, null);
        }

        state.Answers.Add(answer);
        if (conversation.IsFinished)
        {
            if (_journal is not null)
            {
                await _journal.AppendResultAsync(id, state.Answers, cancellationToken).ConfigureAwait(false);
            }

            _pending.Remove(id);
            ExtractionResult<T> result = conversation.Result;
            _tally.Finished(result, resumed: false);
            _finished.Add(new BatchItemResult<T>(id, result, resumed: false));
        }
        else if (_journal is not null)
        {
            await _journal.AppendStateAsync(
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

    /// <summary>
    /// An item not finished yet: its id, its place in the spool, its judged attempts (what the journal keeps of each),
    /// and the batch its request is in. Its conversation is rebuilt from these when it is needed, not kept.
    /// </summary>
    private sealed class ItemState
    {
        public ItemState(string id, SpoolEntry entry)
        {
            Id = id;
            Entry = entry;
        }

        public string Id { get; }

        public SpoolEntry Entry { get; }

        public List<JournalAnswer> Answers { get; } = new(2);

        /// <summary>The number of the attempt its next request is: 1 for the first request, 2 for the first re-ask…</summary>
        public int Round => Answers.Count + 1;

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

        /// <summary>The estimated input tokens of its requests (<see cref="EstimatedTokens"/>).</summary>
        public long Tokens { get; set; }

        /// <summary>The usage of the answers read from its output file.</summary>
        public UsageDetails AnswersUsage { get; } = new();

        /// <summary>Its requests to be sent again (not run, or in its error file).</summary>
        public List<string> Resubmitted { get; } = new();
    }

    private readonly record struct OpenBatch(string BatchId, int Round, List<string> Ids, long Tokens);

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
                        long tokens = record.TryGetProperty("tokens", out JsonElement t) && t.TryGetInt64(out long estimate) ? estimate : 0;
                        open[batchId] = new OpenBatch(batchId, record.GetProperty("round").GetInt32(), ids, tokens);
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
internal readonly record struct BatchStatus(string Status, string? OutputFileId, string? ErrorFileId, string? Errors, UsageDetails? Usage, bool TokenLimitExceeded = false)
{
    /// <summary>The error code of a batch failed because the model's enqueued-token quota was full (OpenAI and Azure OpenAI).</summary>
    public const string TokenLimitExceededCode = "token_limit_exceeded";

    /// <summary>Whether the batch will change no more: completed, failed, expired or cancelled.</summary>
    public bool IsTerminal => Status is "completed" or "failed" or "expired" or "cancelled";

    public static BatchStatus Read(BinaryData json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string? errors = null;
        bool tokenLimit = false;
        if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            var messages = new List<string>();
            tokenLimit = data.GetArrayLength() > 0;
            foreach (JsonElement error in data.EnumerateArray())
            {
                string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                tokenLimit &= code == TokenLimitExceededCode;
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
            root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? ReadUsage(u) : null,
            tokenLimit);
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
