// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepOpt.Reports.Tests.Browser;

/// <summary>
/// A minimal Chrome DevTools protocol client over one WebSocket: numbered commands, each answered by the reply with
/// the same id; events are ignored. Commands for a page carry the session id from <c>Target.attachToTarget</c>.
/// </summary>
internal sealed class CdpSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    /// <summary>Connects to a browser's DevTools endpoint.</summary>
    /// <param name="endpoint">The ws:// address Chromium printed.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected session.</returns>
    public static async Task<CdpSession> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var session = new CdpSession();
        // Screenshots arrive as one large message; the default buffer only affects how many reads that takes.
        await session._socket.ConnectAsync(endpoint, cancellationToken);
        session._receiving = Task.Run(session.ReceiveAsync, CancellationToken.None);
        return session;
    }

    /// <summary>Sends a command and waits for its result.</summary>
    /// <param name="method">The protocol method, for example <c>Runtime.evaluate</c>.</param>
    /// <param name="parameters">Its parameters, or null.</param>
    /// <param name="sessionId">The page session, or null for the browser.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The <c>result</c> object of the reply.</returns>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, string? sessionId, CancellationToken cancellationToken)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId != null)
        {
            message["sessionId"] = sessionId;
        }

        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        var result = await reply.Task.WaitAsync(cancellationToken);
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error}");
        }

        return result.GetProperty("result");
    }

    /// <summary>Evaluates a JavaScript expression in a page and returns its value as JSON.</summary>
    /// <param name="sessionId">The page session.</param>
    /// <param name="expression">The expression; a promise is awaited.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value.</returns>
    public async Task<JsonElement> EvaluateAsync(string sessionId, string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true }, sessionId, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"{expression} threw: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
            {
                // The browser may already be gone; closing is a courtesy.
            }
        }

        _socket.Dispose();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    if (document.RootElement.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var reply))
                    {
                        reply.TrySetResult(document.RootElement.Clone());
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The connection ended; any command still waiting fails below.
        }

        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(new InvalidOperationException("The DevTools connection closed before the reply."));
        }
    }
}
