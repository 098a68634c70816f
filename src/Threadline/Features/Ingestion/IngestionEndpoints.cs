using Microsoft.AspNetCore.Http.HttpResults;
using Threadline.Features.Security;

namespace Threadline.Features.Ingestion;

public static class IngestionEndpoints
{
    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder app)
    {
        var ingest = app.MapGroup("/api/ingest").WithTags("Ingestion").RequireAuthorization(RolePolicies.Viewer);
        ingest.MapGet("/stats", Stats).WithSummary("Counts by outcome since the server started: stored, duplicate, out of order, dead-lettered by reason, quarantined...");
        ingest.MapGet("/quarantine", Quarantine).WithSummary("Telemetry sources the installed base does not know, with a sample of their payloads");
        ingest.MapGet("/latest/{assetId}", Latest).WithSummary("The latest value of each signal of an asset, as received");
        return app;
    }

    private static Ok<IngestStats> Stats(IngestionCounters counters) => TypedResults.Ok(counters.Snapshot());

    private static Ok<IReadOnlyList<QuarantinedSource>> Quarantine(IngestQuarantine quarantine) => TypedResults.Ok(quarantine.Snapshot());

    private static Ok<IReadOnlyList<LatestValue>> Latest(string assetId, LatestValues latest) => TypedResults.Ok(latest.ForAsset(assetId));
}
