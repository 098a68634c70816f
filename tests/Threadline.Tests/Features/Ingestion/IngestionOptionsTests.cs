using Microsoft.Extensions.Options;
using Threadline.Testing;

namespace Threadline.Features.Ingestion;

public class IngestionOptionsTests
{
    [Theory]
    [InlineData("Mqtt:Port", "70000", "Mqtt:Port")]
    [InlineData("Mqtt:Mode", "Carrier-pigeon", "Mqtt:Mode")]
    [InlineData("Mqtt:BindAddress", "localhost-ish", "Mqtt:BindAddress")]
    [InlineData("Mqtt:MaxPayloadBytes", "0", "Mqtt:MaxPayloadBytes")]
    [InlineData("Mqtt:Mode", "External", "Mqtt:External:Host")]
    [InlineData("Uns:Prefix", "acme/#", "Uns:Prefix")]
    [InlineData("Uns:Signals:bearing_vibration_x:Class", "Sometimes", "Uns:Signals:bearing_vibration_x:Class")]
    [InlineData("Ingestion:QueueCapacity", "1", "Ingestion:QueueCapacity")]
    [InlineData("Mqtt:MaxViolations", "0", "Mqtt:MaxViolations")]
    [InlineData("Mqtt:PublishRatePerSecond", "-1", "Mqtt:PublishRatePerSecond")]
    [InlineData("Mqtt:PublishBurst", "0", "Mqtt:PublishBurst")]
    [InlineData("Mqtt:CredentialCacheSeconds", "-1", "Mqtt:CredentialCacheSeconds")]
    [InlineData("Mqtt:PlainEnabled", "false", "Mqtt:PlainEnabled")]
    [InlineData("Mqtt:Tls:Enabled", "true", "Mqtt:Tls:CertificatePath")]
    public async Task BadSetting_FailsAtStartNamingIt(string key, string value, string named)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MqttPortFlag_BecomesTheMqttPortSetting()
    {
        var flags = Cli.ServerCommands.Flags(null, null, 1884);

        Assert.Equal("1884", flags["Mqtt:Port"]);
    }
}
