using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Features.Ingestion;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>
/// A product Threadline has never heard of, a compressor, defined only through the API (items, BOM, limits, twin model
/// document, release, a registered unit) gets a live twin whose signals, derived values, components, limits and rules
/// all come from its released revision.
/// </summary>
public sealed class SecondProductTwinTests : IAsyncLifetime
{
    private const string Site = "acme/lyon/compressors";
    private const string ModelYaml = """
        displayName: Screw compressor SC-200
        signals:
          - {name: discharge_pressure, unit: bar}
          - {name: suction_pressure, unit: bar}
          - {name: vibration, unit: mm/s, deadband: 0.1}
        derived:
          - name: pressure_ratio
            unit: ratio
            formula: (discharge_pressure + 1.01325) / (suction_pressure + 1.01325)
        failureModes:
          - {id: bearing-wear, name: Bearing wear, recommendedAction: Replace the main bearing}
        components:
          - {id: main-bearing, item: BRG-9, signals: [vibration], failureModes: [bearing-wear]}
        rules:
          - id: shaking
            conditions: [{signal: vibration, kind: above, value: 4.0}]
            failureMode: bearing-wear
        """;

    private readonly string _data = Directory.CreateTempSubdirectory("threadline-compressor-").FullName;
    private ThreadlineTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Uns:Prefix"] = "acme", ["Twins:Enabled"] = "true", ["DataDirectory"] = _data });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<JsonElement> Ok(Task<HttpResponseMessage> request) => await ThreadlineTestServer.ExpectSuccess(await request);

    private async Task DefineCompressorAsync()
    {
        await Ok(_server.PostAsync("/api/items", new { number = "BRG-9", name = "Main bearing", kind = "Part", family = "SC-200" }));
        await Ok(_server.PostAsync("/api/items/BRG-9/revisions/A/release", new { effectiveFrom = "2026-01-01" }));
        await Ok(_server.PostAsync("/api/items", new { number = "SC-200", name = "Screw compressor", kind = "Product", family = "SC-200" }));
        await Ok(_server.PutAsync("/api/items/SC-200/revisions/A/bom", new { lines = new[] { new { child = "BRG-9", quantity = 1, findNumber = "10" } } }));
        await Ok(_server.PutAsync("/api/items/SC-200/revisions/A/limits",
            new { limits = new[] { new { signal = "vibration", max = 6.0, unit = "mm/s", severity = "Warning" } } }));
        using var yaml = new StringContent(ModelYaml, Encoding.UTF8, "application/yaml");
        await Ok(_server.Client.PutAsync("/api/items/SC-200/revisions/A/twin-model", yaml));
        await Ok(_server.PostAsync("/api/items/SC-200/revisions/A/release", new { effectiveFrom = "2026-01-01" }));
    }

    private async Task PublishAsync(string assetId, DateTimeOffset at, params (string Signal, double Value)[] readings)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(_server.MqttClientOptions("t-" + Guid.NewGuid().ToString("N")[..8]).Build());
        foreach (var (signal, value) in readings)
        {
            var payload = "{\"timestamp\":\"" + at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
                + "\",\"measurement\":{\"name\":\"" + signal + "\",\"value\":" + value.ToString(CultureInfo.InvariantCulture) + "}}";
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"acme/{Site}/{assetId}/{signal}")
                .WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
        await _server.Services.GetRequiredService<TwinFeed>().DrainedAsync();
    }

    [Fact]
    public async Task CompressorDefinedThroughTheApi_HasALiveTwinWithDerivedValuesLimitAlertAndRule()
    {
        await DefineCompressorAsync();
        var unit = await Ok(_server.PostAsync("/api/assets", new { serial = "SN001", item = "SC-200", shipDate = "2026-02-01", site = Site }));
        var assetId = unit.GetProperty("assetId").GetString()!;
        var at = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
        for (var minute = 0; minute < 4; minute++)
        {
            await PublishAsync(assetId, at.AddMinutes(minute), ("suction_pressure", 0.0), ("discharge_pressure", 7.0), ("vibration", 6.5));
        }

        var twin = await _server.GetJsonAsync($"/api/twins/{assetId}");

        Assert.Equal(("SC-200", "A"), (twin.GetProperty("item").GetString(), twin.GetProperty("revision").GetString()));
        Assert.Equal((7 + 1.01325) / 1.01325, twin.GetProperty("derived").GetProperty("pressure_ratio").GetDouble(), 9);
        var alerts = twin.GetProperty("alerts").EnumerateArray().ToList();
        var limit = Assert.Single(alerts, a => a.GetProperty("kind").GetString() == "Limit");
        Assert.Equal(("vibration", 6.0), (limit.GetProperty("signal").GetString(), limit.GetProperty("limit").GetProperty("max").GetDouble()));
        var rule = Assert.Single(alerts, a => a.GetProperty("kind").GetString() == "Correlation");
        Assert.Equal("Replace the main bearing", rule.GetProperty("action").GetString());
        var component = Assert.Single(twin.GetProperty("configuration").GetProperty("components").EnumerateArray());
        Assert.Equal(["10"], component.GetProperty("positions").EnumerateArray().Select(p => p.GetString()));

        var dtdl = await _server.GetJsonAsync($"/api/twins/{assetId}/model?format=dtdl");
        var names = dtdl.GetProperty("contents").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("pressure_ratio", names);
        Assert.Contains("vibration_warning_max", names);
        Assert.Contains("Screw compressor SC-200", dtdl.GetProperty("displayName").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentChangedOnTheUnitsRevision_TheTwinFollowsKeepingWhatItRead()
    {
        await Ok(_server.PostAsync("/api/items", new { number = "SC-500", name = "Screw compressor", kind = "Product", family = "SC-500" }));
        using (var first = new StringContent("""{"signals": [{"name": "discharge_pressure", "unit": "bar"}, {"name": "suction_pressure", "unit": "bar"}]}""", Encoding.UTF8, "application/json"))
        {
            await Ok(_server.Client.PutAsync("/api/items/SC-500/revisions/A/twin-model", first));
        }
        var unit = await Ok(_server.PostAsync("/api/assets", new { serial = "SN001", item = "SC-500", revision = "A", shipDate = "2026-02-01", site = Site }));
        var assetId = unit.GetProperty("assetId").GetString()!;
        var at = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
        await PublishAsync(assetId, at, ("suction_pressure", 0.0), ("discharge_pressure", 7.0));
        Assert.Empty((await _server.GetJsonAsync($"/api/twins/{assetId}")).GetProperty("derived").EnumerateObject());

        using (var second = new StringContent(ModelYaml, Encoding.UTF8, "application/yaml"))
        {
            await Ok(_server.Client.PutAsync("/api/items/SC-500/revisions/A/twin-model", second));
        }
        await PublishAsync(assetId, at.AddMinutes(1), ("vibration", 1.0), ("suction_pressure", 0.0));

        var twin = await _server.GetJsonAsync($"/api/twins/{assetId}");
        Assert.Equal(7.0, twin.GetProperty("state").GetProperty("discharge_pressure").GetDouble());
        Assert.Equal(1.0, twin.GetProperty("state").GetProperty("vibration").GetDouble());
        Assert.Equal((7 + 1.01325) / 1.01325, twin.GetProperty("derived").GetProperty("pressure_ratio").GetDouble(), 9);
    }

    [Fact]
    public async Task ReleasedRevision_RefusesANewDocument_AndANewRevisionCopiesIt()
    {
        await DefineCompressorAsync();

        using var again = new StringContent(ModelYaml, Encoding.UTF8, "application/yaml");
        await Problems.Expect(await _server.Client.PutAsync("/api/items/SC-200/revisions/A/twin-model", again), HttpStatusCode.Conflict, "revision-not-editable");
        await Ok(_server.PostAsync("/api/items/SC-200/revisions", new { }));
        var copied = await _server.GetJsonAsync("/api/items/SC-200/revisions/B/twin-model");
        var released = await _server.GetJsonAsync("/api/items/SC-200/revisions/A/twin-model");
        Assert.Equal(released.GetProperty("document").GetRawText(), copied.GetProperty("document").GetRawText());
        var inEffect = await _server.GetJsonAsync("/api/items/SC-200/twin-model?at=2026-06-01");
        Assert.Equal("A", inEffect.GetProperty("revision").GetString());
    }

    [Fact]
    public async Task FormulaWithAnUnknownSignal_Is422NamingTheFormulaAndPosition()
    {
        await Ok(_server.PostAsync("/api/items", new { number = "SC-300", name = "Screw compressor", kind = "Product" }));
        const string Json = """
            {"signals": [{"name": "discharge_pressure", "unit": "bar"}],
             "derived": [{"name": "pressure_ratio", "unit": "ratio", "formula": "discharge_pressure / suction_pressure"}]}
            """;
        using var body = new StringContent(Json, Encoding.UTF8, "application/json");

        var response = await _server.Client.PutAsync("/api/items/SC-300/revisions/A/twin-model", body);

        var problem = await Problems.Expect(response, HttpStatusCode.UnprocessableEntity, "twin-model-formula");
        Assert.Equal("discharge_pressure / suction_pressure", problem.GetProperty("formula").GetString());
        Assert.Equal(22, problem.GetProperty("position").GetInt32());
        Assert.Contains("suction_pressure", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problems.Expect(await _server.Client.GetAsync("/api/items/SC-300/revisions/A/twin-model"), HttpStatusCode.NotFound, "no-twin-model");
    }

    [Fact]
    public async Task DtdlImport_TakesSignalsAndFormulas_AndReportsWhatDtdlCannotSay()
    {
        await DefineCompressorAsync();
        var exported = await (await _server.Client.GetAsync("/api/items/SC-200/revisions/A/twin-model?format=dtdl")).Content.ReadAsStringAsync();
        await Ok(_server.PostAsync("/api/items", new { number = "SC-210", name = "Screw compressor", kind = "Product" }));
        using var body = new StringContent(exported, Encoding.UTF8, "application/json");

        var imported = await Ok(_server.Client.PutAsync("/api/items/SC-210/revisions/A/twin-model?format=dtdl", body));

        var document = imported.GetProperty("document");
        Assert.Equal(["discharge_pressure", "suction_pressure", "vibration"], document.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("(discharge_pressure + 1.01325) / (suction_pressure + 1.01325)", document.GetProperty("derived")[0].GetProperty("formula").GetString());
        var notCarried = imported.GetProperty("notCarried").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notCarried, n => n.StartsWith("p_bearing_wear", StringComparison.Ordinal));
        Assert.Contains(notCarried, n => n.StartsWith("vibration_warning_max", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nsignals: [*b, *b]\n", "aliases")]
    [InlineData("signals:\n  - name: a\n    unit: bar\n    !!str unit: psi\n", "plain name")]
    [InlineData("signals:\n  - name: a\n    unit: bar\n    unit: psi\n", "")]
    [InlineData("signals: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n", "deeper")]
    public async Task HostileYaml_Is422_NeverA500(string yaml, string why)
    {
        await Ok(_server.PostAsync("/api/items", new { number = "SC-600", name = "Screw compressor", kind = "Product" }));
        using var body = new StringContent(yaml, Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");

        var problem = await Problems.Expect(await _server.Client.PutAsync("/api/items/SC-600/revisions/A/twin-model", body), HttpStatusCode.UnprocessableEntity, "twin-model-invalid");

        Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task YamlCountUnit_IsTheText1()
    {
        await Ok(_server.PostAsync("/api/items", new { number = "SC-700", name = "Screw compressor", kind = "Product" }));
        using var body = new StringContent("signals:\n  - {name: starts, unit: 1, deadband: 0.5}\n", Encoding.UTF8, "application/yaml");

        var stored = await Ok(_server.Client.PutAsync("/api/items/SC-700/revisions/A/twin-model", body));

        var signal = stored.GetProperty("document").GetProperty("signals")[0];
        Assert.Equal(("1", 0.5), (signal.GetProperty("unit").GetString(), signal.GetProperty("deadband").GetDouble()));
    }

    [Fact]
    public async Task YamlThatIsNotYaml_Is422WithTheLine()
    {
        await Ok(_server.PostAsync("/api/items", new { number = "SC-400", name = "Screw compressor", kind = "Product" }));
        using var body = new StringContent("signals:\n  - {name: a, unit: bar\n", Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");

        var problem = await Problems.Expect(await _server.Client.PutAsync("/api/items/SC-400/revisions/A/twin-model", body), HttpStatusCode.UnprocessableEntity, "twin-model-invalid");

        Assert.Contains("line", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
