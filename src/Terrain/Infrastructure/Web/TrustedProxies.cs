using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// Behind a load balancer, X-Forwarded-For/-Proto are believed only from the proxies and networks an operator names
/// (Terrain:KnownProxies, Terrain:KnownNetworks), loopback when none are named. A header from anyone else is the
/// client's own word: believing it would let a client pick its address, and with it its own login rate limit.
/// </summary>
public static class TrustedProxies
{
    public static ForwardedHeadersOptions Options(IConfiguration configuration)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        var proxies = List(configuration, "Terrain:KnownProxies");
        var networks = List(configuration, "Terrain:KnownNetworks");
        if (proxies.Count == 0 && networks.Count == 0)
        {
            // The framework's defaults: loopback only, for a proxy on the same machine.
            return options;
        }

        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"Terrain:KnownProxies: '{proxy}' is not an IP address."));
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Terrain:KnownNetworks: '{network}' is not a network in CIDR notation (10.0.0.0/8)."));
        }

        return options;
    }

    /// <summary>Either a list (Terrain__KnownProxies__0=...) or one comma-separated value (Terrain__KnownProxies=a,b).</summary>
    private static List<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
    }
}
