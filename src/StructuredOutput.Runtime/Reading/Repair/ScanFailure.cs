namespace StructuredOutput.Reading.Repair;

/// <summary>Why a scan failed, and where.</summary>
internal sealed class ScanFailure
{
    public ScanFailure(ExtractionErrorKind kind, string path, string message, int position, bool looksLikeJson)
    {
        Kind = kind;
        Path = path;
        Message = message;
        Position = position;
        LooksLikeJson = looksLikeJson;
    }

    public ExtractionErrorKind Kind { get; }

    public string Path { get; }

    public string Message { get; }

    /// <summary>The index in the scanned text where the scan stopped.</summary>
    public int Position { get; }

    /// <summary>Whether the text had read as JSON (a property name and its colon) before it failed.</summary>
    public bool LooksLikeJson { get; }
}

/// <summary>A place where the text can be read in more than one way, for the message when it stays ambiguous.</summary>
internal sealed class ChoicePoint
{
    public ChoicePoint(string path, string description)
    {
        Path = path;
        Description = description;
    }

    public string Path { get; }

    public string Description { get; }
}
