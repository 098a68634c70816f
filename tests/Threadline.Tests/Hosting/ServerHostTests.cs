using Microsoft.Extensions.Logging;

namespace Threadline.Hosting;

public sealed class ServerHostTests
{
    [Theory]
    [InlineData("Orleans.Runtime.Silo")]
    [InlineData("Polly")]
    public async Task RuntimeInformation_IsOffByDefault_WarningsStay(string category)
    {
        await using var app = Build([]);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.Equal((false, true), (logger.IsEnabled(LogLevel.Information), logger.IsEnabled(LogLevel.Warning)));
        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Threadline.Features.Demo.DemoCommand").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task LogLevelSetting_BringsOrleansInformationBack()
    {
        await using var app = Build(new() { ["Logging:LogLevel:Orleans"] = "Information" });

        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Runtime.Silo").IsEnabled(LogLevel.Information));
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Build(Dictionary<string, string?> flags)
    {
        // Built, never started: nothing is written under the data folder.
        flags["DataDirectory"] = Path.Combine(Path.GetTempPath(), "threadline-never-started");
        return ServerHost.Build(ServerHost.CreateBuilder(flags));
    }
}
