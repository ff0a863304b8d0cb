using Xunit;

// Each test has a database of its own (TestAppPool), so test classes run in parallel. They mostly wait on the
// database and on HTTP, so four at a time keep the two cores of a CI machine busy.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
