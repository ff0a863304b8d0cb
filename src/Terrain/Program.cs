using Terrain.Infrastructure.Cli;

namespace Terrain;

public sealed class Program
{
    public static Task<int> Main(string[] args) => TerrainCli.RunAsync(args);
}
