using Xunit;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>
/// Tests that move demo plans between statuses (the review loop) and tests that count the demo's statuses (the leader's
/// board) share the one demo app, so they run one after another, never at the same time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DemoPlanStatuses
{
    public const string Name = "Demo plan statuses";
}
