namespace Terrain.Tests.Infrastructure;

public static class ImportClients
{
    /// <summary>
    /// Imports run as background jobs; a client that says <c>Prefer: wait=N</c> gets the answer it used to (200 with
    /// the report, 422 when rejected) once the job ends.
    /// </summary>
    public static async Task<HttpClient> WaitingForImports(this Task<HttpClient> client)
    {
        var ready = await client;
        ready.DefaultRequestHeaders.Add("Prefer", "wait=120");
        return ready;
    }
}
