using System;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>A fresh fake server and a chat client on it, through the provider's own client library, for each test.</summary>
public abstract class ServerTestBase<TServer> : IAsyncLifetime
    where TServer : class, IAsyncDisposable
{
    private readonly Func<Task<TServer>> _start;
    private readonly Func<TServer, IChatClient> _createClient;

    protected TServer _server = null!;
    protected IChatClient _client = null!;

    protected ServerTestBase(Func<Task<TServer>> start, Func<TServer, IChatClient> createClient)
    {
        _start = start;
        _createClient = createClient;
    }

    public async Task InitializeAsync()
    {
        _server = await _start();
        _client = _createClient(_server);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}

/// <summary>A fresh fake OpenAI server and an SDK-backed chat client for each test.</summary>
public abstract class ServerTestBase : ServerTestBase<FakeOpenAIServer>
{
    protected ServerTestBase()
        : base(FakeOpenAIServer.StartAsync, server => server.CreateChatClient())
    {
    }
}
