using Xunit;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>
/// Tests that move demo plans between statuses (the review loop) and tests that count the demo's statuses (the leader's
/// board) share the one demo app, so they run one after another, never at the same time. So do the tests that open
/// the newest cycle from the cycles page and the quota-allocation test, which adds a cycle of its own for a while.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DemoPlanStatuses
{
    public const string Name = "Demo plan statuses";
}
