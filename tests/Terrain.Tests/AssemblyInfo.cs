using Xunit;

// Tests share one app per database and reset its data at the start of each test, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
