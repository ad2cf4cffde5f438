using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>A fresh fake server and an SDK-backed chat client for each test.</summary>
public abstract class ServerTestBase : IAsyncLifetime
{
    protected FakeOpenAIServer _server = null!;
    protected IChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _client = _server.CreateChatClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
