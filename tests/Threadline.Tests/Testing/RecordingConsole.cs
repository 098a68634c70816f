using Spectre.Console;

namespace Threadline.Testing;

/// <summary>A Spectre console that writes plain text, wide enough that table rows stay on one line, for asserting on what a command printed.</summary>
public static class RecordingConsole
{
    public static IAnsiConsole Create(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        console.Profile.Width = 400;
        return console;
    }
}
