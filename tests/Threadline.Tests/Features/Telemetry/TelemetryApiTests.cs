using System.Net;
using System.Text.Json;
using Threadline.Telemetry;
using Threadline.Testing;

namespace Threadline.Features.Telemetry;

/// <summary>GET /api/assets/{assetId}/telemetry/{signal} through the real pipeline, on the default DuckDB store.</summary>
public sealed class TelemetryApiTests
{
    // The test server's fake clock starts at 2026-11-23T08:00Z.
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    // A demo pump registered on the fake clock's day: revision D is in effect then.
    private const string Asset = "PUMP-4720-SN00001-R04";

    private static TelemetryPoint Point(DateTimeOffset at, double value, TelemetryQuality quality = TelemetryQuality.Good) =>
        new(Asset, "temperature", at, value, "degC", quality, "edge-1");

    private static async Task<ThreadlineTestServer> StartWithPointsAsync(IDictionary<string, string?>? settings = null)
    {
        var server = await ThreadlineTestServer.StartAsync(settings);
        await Demo.DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<Plm.PlmService>(), default);
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN1", item = Demo.DemoPumpFamily.Pump }));
        var store = server.Services.GetRequiredService<ITelemetryStore>();
        await store.AppendAsync([.. Enumerable.Range(0, 120).Select(i => Point(Now.AddHours(-1).AddSeconds(30 * i), i))], default);
        return server;
    }

    [Fact]
    public async Task NoStep_ReturnsRawPointsOfTheLast24Hours()
    {
        await using var server = await StartWithPointsAsync();
        await server.Services.GetRequiredService<ITelemetryStore>().AppendAsync([Point(Now.AddHours(-25), -1), Point(Now, 999, TelemetryQuality.Bad)], default);

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature");

        Assert.Equal(Asset, body.GetProperty("assetId").GetString());
        Assert.Equal("temperature", body.GetProperty("signal").GetString());
        var points = body.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(120, points.Count);
        Assert.Equal(Now.AddHours(-1), points[0].GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(0, points[0].GetProperty("value").GetDouble());
        Assert.Equal("degC", points[0].GetProperty("unit").GetString());
        Assert.Equal("Good", points[0].GetProperty("quality").GetString());
    }

    [Fact]
    public async Task FromAndTo_LimitTheRawPoints()
    {
        await using var server = await StartWithPointsAsync();

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature?from=2026-11-23T07:10:00Z&to=2026-11-23T07:11:00Z");

        Assert.Equal([20.0, 21.0], body.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task Step_ReturnsMergedBuckets()
    {
        await using var server = await StartWithPointsAsync();

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature?from=2026-11-23T07:00:00Z&step=15m");

        Assert.Equal("15m", body.GetProperty("step").GetString());
        var buckets = body.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(4, buckets.Count);
        var first = buckets[0];
        Assert.Equal(Now.AddHours(-1), first.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(30, first.GetProperty("count").GetInt64());
        Assert.Equal(0, first.GetProperty("min").GetDouble());
        Assert.Equal(29, first.GetProperty("max").GetDouble());
        Assert.Equal(14.5, first.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(Math.Sqrt(((30.0 * 30) - 1) / 12), first.GetProperty("stdDev").GetDouble(), 9);
    }

    [Fact]
    public async Task DayStep_ReadsFromHourBuckets()
    {
        await using var server = await StartWithPointsAsync();

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature?from=2026-11-20&to=2026-11-24&step=1d");

        var bucket = Assert.Single(body.GetProperty("buckets").EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), bucket.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(120, bucket.GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("90s")]
    [InlineData("0m")]
    [InlineData("fortnight")]
    [InlineData("1w")]
    public async Task StepThatCannotBeAnswered_Is422InvalidStep(string step)
    {
        await using var server = await StartWithPointsAsync();

        var response = await server.Client.GetAsync($"/api/assets/{Asset}/telemetry/temperature?step={step}");

        var problem = await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "invalid-step");
        Assert.Contains("1 minute, 1 hour", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RangeWithMoreRawPointsThanAllowed_Is422AskingForAStep()
    {
        await using var server = await StartWithPointsAsync(new Dictionary<string, string?> { ["Telemetry:MaxRawPointsPerRead"] = "100" });

        var response = await server.Client.GetAsync($"/api/assets/{Asset}/telemetry/temperature");

        var problem = await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "range-too-large");
        Assert.Contains("step", problem.GetProperty("detail").GetString());
        Assert.Equal(100, (await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature?from=2026-11-23T07:00:00Z&to=2026-11-23T07:50:00Z"))
            .GetProperty("points").GetArrayLength());
    }

    [Theory]
    [InlineData("from=yesterday", "invalid-date")]
    [InlineData("from=2026-11-23T09:00:00Z&to=2026-11-23T08:00:00Z", "invalid-range")]
    public async Task BadRange_Is422(string query, string code)
    {
        await using var server = await StartWithPointsAsync();

        await ExpectProblem(await server.Client.GetAsync($"/api/assets/{Asset}/telemetry/temperature?{query}"), HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task NonFiniteRawValue_IsNullInJson()
    {
        await using var server = await StartWithPointsAsync();
        await server.Services.GetRequiredService<ITelemetryStore>().AppendAsync([Point(Now.AddMinutes(-1).AddSeconds(1), double.NaN)], default);

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/temperature?from=2026-11-23T07:59:00Z");

        var points = body.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([118.0, double.NaN, 119.0], points.Select(p => p.GetProperty("value").ValueKind == JsonValueKind.Null ? double.NaN : p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task UnknownSignal_ReturnsNoPoints()
    {
        await using var server = await StartWithPointsAsync();

        var body = await server.GetJsonAsync($"/api/assets/{Asset}/telemetry/vibration");

        Assert.Equal(0, body.GetProperty("points").GetArrayLength());
    }

    private static async Task<JsonElement> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    [Fact]
    public async Task UnknownAsset_Is404ProposingTheRegisteredUnit()
    {
        await using var server = await StartWithPointsAsync();
        var problem = await Problems.Expect(await server.Client.GetAsync("/api/assets/pump_4720_sn1_r4/telemetry/temperature"), HttpStatusCode.NotFound, "unknown-asset");
        Assert.Contains(Asset, problem.GetProperty("detail").GetString());
    }
}
