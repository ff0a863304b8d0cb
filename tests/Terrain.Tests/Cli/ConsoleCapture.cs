using System.Text;

namespace Terrain.Tests.Cli;

/// <summary>
/// Captures what the calling test (and whatever it starts: the app's hosts, their logger threads) writes to
/// <see cref="Console.Out"/>, while other tests keep writing to the real console. The process has one console, so
/// <see cref="Console.SetOut"/> alone would make every test that captures it run alone; this routes each write by
/// the writer's async flow instead, so that those tests run in parallel with the rest of the suite.
/// </summary>
internal static class ConsoleCapture
{
    private static readonly AsyncLocal<TextWriter?> Target = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Until the result is disposed, this flow's console output goes to <paramref name="writer"/>.</summary>
    public static IDisposable Into(CapturedOutput writer)
    {
        lock (Gate)
        {
            if (!_installed)
            {
                Console.SetOut(new Router(Console.Out));
                _installed = true;
            }
        }

        var previous = Target.Value;
        Target.Value = writer;
        return new Restore(previous);
    }

    private sealed class Restore(TextWriter? previous) : IDisposable
    {
        public void Dispose() => Target.Value = previous;
    }

    private sealed class Router(TextWriter console) : TextWriter
    {
        public override Encoding Encoding => console.Encoding;

        public override void Write(char value) => Send(w => w.Write(value));

        public override void Write(string? value) => Send(w => w.Write(value));

        public override void Write(char[] buffer, int index, int count) => Send(w => w.Write(buffer, index, count));

        public override void WriteLine(string? value) => Send(w => w.WriteLine(value));

        public override void Flush() => Send(w => w.Flush());

        private void Send(Action<TextWriter> write)
        {
            var writer = Target.Value ?? console;
            // A test's writer is written from its own flow and from the app's background threads at once.
            lock (writer)
            {
                write(writer);
            }
        }
    }
}

/// <summary>
/// What a test captured from the console. Reading it takes the same lock as the writes that
/// <see cref="ConsoleCapture"/> routes to it, so a test can poll it while the app's threads still write.
/// </summary>
internal sealed class CapturedOutput : StringWriter
{
    public override string ToString()
    {
        lock (this)
        {
            return base.ToString();
        }
    }
}
