using System;
using Microsoft.Extensions.Logging;

namespace StructuredOutput.Telemetry;

/// <summary>
/// The extractor's log messages (source-generated: nothing is formatted or allocated when the level is off). The
/// callers check the level before they build the error and repair lists, so the messages below Warning skip the
/// generated check; the Warning ones are written only through a logger found enabled at Warning.
/// </summary>
internal static partial class ExtractionLog
{
    [LoggerMessage(EventId = 1, EventName = "AttemptRejected", Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "Extracting {ContractType}: attempt {AttemptNumber} was rejected ({Outcome}) with {ErrorCount} error(s): {Errors}")]
    public static partial void AttemptRejected(ILogger logger, string contractType, int attemptNumber, string outcome, int errorCount, string errors);

    [LoggerMessage(EventId = 2, EventName = "AttemptRepaired", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Extracting {ContractType}: attempt {AttemptNumber}'s answer needed {RepairCount} repair(s): {Repairs}")]
    public static partial void AttemptRepaired(ILogger logger, string contractType, int attemptNumber, int repairCount, string repairs);

    [LoggerMessage(EventId = 3, EventName = "AttemptAnswer", Level = LogLevel.Trace, SkipEnabledCheck = true,
        Message = "Extracting {ContractType}: attempt {AttemptNumber}'s answer as received: {Answer}")]
    public static partial void AttemptAnswer(ILogger logger, string contractType, int attemptNumber, string answer);

    [LoggerMessage(EventId = 4, EventName = "ExtractionSucceeded", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Extracted {ContractType} after {AttemptCount} attempt(s)")]
    public static partial void Succeeded(ILogger logger, string contractType, int attemptCount);

    [LoggerMessage(EventId = 5, EventName = "ExtractionFailed", Level = LogLevel.Warning,
        Message = "Could not extract {ContractType} after {AttemptCount} attempt(s): {Outcome}. {Details}")]
    public static partial void Failed(ILogger logger, string contractType, int attemptCount, string outcome, string details);

    [LoggerMessage(EventId = 6, EventName = "ExtractionAborted", Level = LogLevel.Warning,
        Message = "Extracting {ContractType} stopped after {AttemptCount} attempt(s): the chat client threw {ErrorType}")]
    public static partial void Aborted(ILogger logger, Exception exception, string contractType, int attemptCount, string errorType);

    [LoggerMessage(EventId = 7, EventName = "ExtractionCancelled", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Extracting {ContractType} was cancelled after {AttemptCount} attempt(s)")]
    public static partial void Cancelled(ILogger logger, string contractType, int attemptCount);
}
