using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Terrain.Tests.Features.Reminders;

/// <summary>
/// A real SMTP server (the SmtpServer library) on a free port of 127.0.0.1, without TLS or sign-in: it keeps what it
/// receives, and can be told to refuse every message after its data, as a server refuses one it does not like.
/// </summary>
public sealed class TestSmtpServer : MessageStore, IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private SmtpServer.SmtpServer _server = null!;
    private Task _running = Task.CompletedTask;
    private int _refused;
    private volatile bool _refuseMessages;

    private TestSmtpServer()
    {
    }

    public int Port { get; private set; }

    /// <summary>When set, every message is answered "554" after its data, and not kept.</summary>
    public bool RefuseMessages
    {
        get => _refuseMessages;
        set => _refuseMessages = value;
    }

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    /// <summary>How many messages were refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static async Task<TestSmtpServer> StartAsync()
    {
        var smtp = new TestSmtpServer();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => listening.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(smtp);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        smtp._server = new SmtpServer.SmtpServer(options, services);
        smtp._running = smtp._server.StartAsync(smtp._stop.Token);
        smtp.Port = await await Task.WhenAny(listening.Task, smtp._running.ContinueWith(_ => 0, TaskScheduler.Default));
        return smtp.Port > 0 ? smtp : throw new InvalidOperationException("The SMTP server did not start.", smtp._running.Exception);
    }

    /// <summary>A port on which nothing listens: connecting to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        if (RefuseMessages)
        {
            Interlocked.Increment(ref _refused);
            return new SmtpResponse(SmtpReplyCode.TransactionFailed, "5.7.1 Refused");
        }

        using var data = new MemoryStream(buffer.ToArray());
        var message = await MimeMessage.LoadAsync(data, cancellationToken);
        _received.Enqueue(new ReceivedMail(transaction.From.AsAddress(), [.. transaction.To.Select(t => t.AsAddress())], message));
        return SmtpResponse.Ok;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

public sealed record ReceivedMail(string From, IReadOnlyList<string> To, MimeMessage Message);
