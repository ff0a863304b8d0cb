using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Terrain.Infrastructure.Mail;

/// <summary>Sends mail through the SMTP server of <see cref="SmtpOptions"/>.</summary>
public sealed class MailSender(IOptions<SmtpOptions> options)
{
    private readonly SmtpOptions _options = options.Value;

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>
    /// Connects (and signs in) once for a batch of messages. Throws when the server cannot be reached, before
    /// anything is sent.
    /// </summary>
    public async Task<MailSession> OpenAsync(CancellationToken ct)
    {
        var host = _options.Host;
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new InvalidOperationException($"Mail is not configured: set {SmtpOptions.Section}:Host.");
        }

        var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, _options.Port, Security(_options.SecureSocket), ct);
            if (!string.IsNullOrEmpty(_options.Username))
            {
                await client.AuthenticateAsync(_options.Username, _options.Password ?? "", ct);
            }

            return new MailSession(client, new MailboxAddress(_options.FromName, _options.FromAddress));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, null),
    };
}

/// <summary>One open SMTP connection. Dispose it to say QUIT.</summary>
public sealed class MailSession : IAsyncDisposable
{
    private readonly SmtpClient _client;
    private readonly MailboxAddress _from;

    internal MailSession(SmtpClient client, MailboxAddress from)
    {
        _client = client;
        _from = from;
    }

    /// <summary>False once the server or the network has dropped the connection: the rest of a batch can wait.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Sends one message, from the configured sender unless it names its own.</summary>
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        if (message.From.Count == 0)
        {
            message.From.Add(_from);
        }

        await _client.SendAsync(message, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // Everything worth sending has been sent; a QUIT that fails changes nothing.
        }
        finally
        {
            _client.Dispose();
        }
    }
}

public static class MailServices
{
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section)
            .Validate(o => !o.IsConfigured || MailboxAddress.TryParse(o.FromAddress, out _),
                $"{SmtpOptions.Section}:FromAddress must be an email address when {SmtpOptions.Section}:Host is set.")
            .Validate(o => o.Port is > 0 and < 65536, $"{SmtpOptions.Section}:Port must be between 1 and 65535.")
            .ValidateOnStart();
        services.AddSingleton<MailSender>();
        return services;
    }
}
