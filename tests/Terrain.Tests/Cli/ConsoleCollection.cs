using Xunit;

namespace Terrain.Tests.Cli;

/// <summary>
/// Tests that capture the process's console (Console.SetOut) run alone: the console is one per process, so another
/// test writing or capturing at the same time would steal or spoil their output.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public static class ConsoleCollection
{
    public const string Name = "Console";
}
