using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests.Streaming;

/// <summary>The content a chat client adapter streams a tool call's argument pieces as.</summary>
public class ToolArgumentsPieceContentTests
{
    [Fact]
    public void Holds_its_call_id_name_and_text_and_refuses_null()
    {
        var piece = new ToolArgumentsPieceContent("call_1", null, "{\"a\":");
        Assert.Equal(("call_1", (string?)null, "{\"a\":"), (piece.CallId, piece.Name, piece.Text));
        Assert.Equal("{\"a\":", piece.ToString());
        Assert.Equal("callId", Assert.Throws<ArgumentNullException>(() => new ToolArgumentsPieceContent(null!, "f", "x")).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => new ToolArgumentsPieceContent("c", "f", null!)).ParamName);
    }

    [Fact]
    public void Microsoft_Extensions_AI_JSON_options_refuse_it_until_it_is_registered_then_it_round_trips()
    {
        var updates = new List<ChatResponseUpdate> { new(ChatRole.Assistant, new List<AIContent> { new ToolArgumentsPieceContent("call_1", "Recipe", "{\"name\":") }) };
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(updates, AIJsonUtilities.DefaultOptions));

        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        options.AddAIContentType<ToolArgumentsPieceContent>("toolArgumentsPiece");
        string json = JsonSerializer.Serialize(updates, options);
        var back = JsonSerializer.Deserialize<List<ChatResponseUpdate>>(json, options)!;
        var piece = Assert.IsType<ToolArgumentsPieceContent>(Assert.Single(Assert.Single(back).Contents));
        Assert.Equal(("call_1", (string?)"Recipe", "{\"name\":"), (piece.CallId, piece.Name, piece.Text));
    }
}
