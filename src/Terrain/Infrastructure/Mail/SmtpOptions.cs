namespace Terrain.Infrastructure.Mail;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, otherwise STARTTLS when the server offers it (plain text when it does not).</summary>
    Auto,

    /// <summary>STARTTLS, required: the connection fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS at all; only for a relay on the same host or a trusted network.</summary>
    None,
}

/// <summary>The outgoing mail server, bound from <c>Terrain:Smtp</c>. Mail is off while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Terrain:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    // Not Auto: on port 587 Auto falls back to plain text when STARTTLS is missing, which would expose the password.
    public SmtpSecurity SecureSocket { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Signs in only when set.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string FromAddress { get; set; } = "";

    public string FromName { get; set; } = "Terrain";

    /// <summary>Limit for each network step (connect, each command, each message).</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
