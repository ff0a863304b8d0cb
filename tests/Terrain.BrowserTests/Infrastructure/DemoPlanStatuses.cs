using Xunit;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>
/// Tests that move demo plans between statuses (the review loop) and tests that count the demo's statuses (the leader's
/// board) share the one demo app, so they run one after another, never at the same time. So do the tests that open
/// the newest cycle from the cycles page and the quota-allocation test, which adds a cycle of its own for a while, and
/// the tests that save sections of the shared demo plan (<c>DemoPlanContent</c>): two of them saving the same section at
/// once make one a version conflict, which the autosave and the rows without a reload rightly refuse.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DemoPlanStatuses
{
    public const string Name = "Demo plan statuses";
}
