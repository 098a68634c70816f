using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Threadline.Api;
using Threadline.Features.Assets;
using Threadline.Features.Security;
using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Features.Telemetry;

public static partial class TelemetryEndpoints
{
    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/assets").WithTags("Telemetry").RequireAuthorization(RolePolicies.Viewer)
            .MapGet("/{assetId}/telemetry/{signal}", Read)
            .WithSummary("A signal's raw points over [from, to) (default the last 24 h), or its rollup buckets when a step (1m, 15m, 1h, 1d, ...) is given");
        return app;
    }

    private static async Task<Results<Ok<RawTelemetryResponse>, Ok<RollupTelemetryResponse>>> Read(
        string assetId, string signal, string? from, string? to, string? step,
        ITelemetryStore store, InstalledBaseService assets, TimeProvider time, IOptions<TelemetryOptions> options, CancellationToken ct)
    {
        // An unknown ID is a 404 that proposes the unit it most likely means, not an empty series.
        assetId = (await assets.GetAsync(assetId, ct)).Id;
        var end = RequestValues.ParseOptionalInstant(to, "to") ?? time.GetUtcNow();
        var start = RequestValues.ParseOptionalInstant(from, "from") ?? end.AddHours(-24);
        if (start >= end)
        {
            throw PlmRuleException.Invalid("invalid-range", $"from ({start:O}) must be before to ({end:O}).");
        }
        if (!string.IsNullOrWhiteSpace(step))
        {
            var buckets = await store.ReadRollupAsync(assetId, signal, start, end, ParseStep(step), ct);
            return TypedResults.Ok(new RollupTelemetryResponse(assetId, signal, step.Trim(), buckets));
        }
        var max = options.Value.MaxRawPointsPerRead;
        var points = await store.ReadRawAsync(assetId, signal, start, end, max + 1, ct);
        if (points.Count > max)
        {
            throw PlmRuleException.Invalid("range-too-large",
                $"[{start:O}, {end:O}) holds more than {max} raw points of '{signal}'; ask for rollup buckets with a step (for example step=1m or step=1h) or a shorter range.");
        }
        return TypedResults.Ok(new RawTelemetryResponse(assetId, signal, [.. points.Select(RawPointResponse.From)]));
    }

    /// <summary>A whole number and a unit: s, m, h or d (15m, 1h, 7d). Whether the store can answer it is the store's rule.</summary>
    internal static TimeSpan ParseStep(string text)
    {
        var match = StepPattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 1_000_000)
        {
            throw PlmRuleException.Invalid("invalid-step", $"step '{text}' is not a number and a unit (s, m, h, d), for example 1m, 15m, 1h, 1d; allowed: {TelemetryRollups.AllowedSteps}.");
        }
        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(count),
            "m" => TimeSpan.FromMinutes(count),
            "h" => TimeSpan.FromHours(count),
            _ => TimeSpan.FromDays(count),
        };
    }

    [GeneratedRegex("^([0-9]{1,7})([smhd])$")]
    private static partial Regex StepPattern();
}

public sealed record RawTelemetryResponse(string AssetId, string Signal, IReadOnlyList<RawPointResponse> Points);

/// <summary>One raw point; Value is null for a non-finite reading (JSON has no NaN).</summary>
public sealed record RawPointResponse(DateTimeOffset Timestamp, double? Value, string? Unit, TelemetryQuality Quality)
{
    public static RawPointResponse From(TelemetryPoint point) =>
        new(point.Timestamp, double.IsFinite(point.Value) ? point.Value : null, point.Unit, point.Quality);
}

public sealed record RollupTelemetryResponse(string AssetId, string Signal, string Step, IReadOnlyList<TelemetryBucket> Buckets);
