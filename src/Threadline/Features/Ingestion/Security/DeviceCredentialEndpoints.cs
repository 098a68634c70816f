using Microsoft.AspNetCore.Http.HttpResults;
using Threadline.Features.Security;

namespace Threadline.Features.Ingestion.Security;

public static class DeviceCredentialEndpoints
{
    /// <summary>
    /// Issuing, rotating and revoking devices' MQTT credentials. role: admin (every endpoint of this group; the
    /// authorization policy is attached where the HTTP security is added).
    /// </summary>
    public static IEndpointRouteBuilder MapDeviceCredentialEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Device credentials").RequireAuthorization(RolePolicies.Admin);
        group.MapPost("/assets/{assetId}/device-credentials", IssueForAsset)
            .WithSummary("A new MQTT username and password for the asset's device, shown once; replaces any earlier one and closes its sessions");
        group.MapDelete("/assets/{assetId}/device-credentials", RevokeForAsset)
            .WithSummary("Revokes the asset's device credential and closes the sessions that use it");
        group.MapPost("/edge-nodes/{group}/{node}/credentials", IssueForEdgeNode)
            .WithSummary("A new MQTT username and password for a Sparkplug edge node, shown once; replaces any earlier one and closes its sessions");
        group.MapDelete("/edge-nodes/{group}/{node}/credentials", RevokeForEdgeNode)
            .WithSummary("Revokes the edge node's credential and closes the sessions that use it");
        return app;
    }

    private static async Task<Results<Ok<DeviceCredential>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> IssueForAsset(
        string assetId, DeviceCredentials credentials, CancellationToken ct) =>
        await credentials.IssueForAssetAsync(assetId, ct) is { } issued
            ? TypedResults.Ok(issued)
            : TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "Unknown asset", $"No asset '{assetId}' in the installed base."));

    private static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> RevokeForAsset(
        string assetId, DeviceCredentials credentials, CancellationToken ct) =>
        await credentials.RevokeAsync(MqttPrincipal.ForAsset(assetId).Name, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No credential", $"Asset '{assetId}' has no device credential."));

    private static async Task<Results<Ok<DeviceCredential>, BadRequest<Microsoft.AspNetCore.Mvc.ProblemDetails>>> IssueForEdgeNode(
        string group, string node, DeviceCredentials credentials, CancellationToken ct) =>
        IsSparkplugId(group) && IsSparkplugId(node)
            ? TypedResults.Ok(await credentials.IssueForEdgeNodeAsync(group, node, ct))
            : TypedResults.BadRequest(Problem(StatusCodes.Status400BadRequest, "Not a Sparkplug id",
                "Sparkplug 3.0 §4.1.1: a group id and an edge node id are non-empty and hold no '/', '+' or '#'."));

    private static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> RevokeForEdgeNode(
        string group, string node, DeviceCredentials credentials, CancellationToken ct) =>
        await credentials.RevokeAsync(MqttPrincipal.ForEdgeNode(group, node).Name, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No credential", $"Edge node '{group}/{node}' has no credential."));

    private static bool IsSparkplugId(string id) => id.Length > 0 && id.IndexOfAny(['/', '+', '#']) < 0;

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };
}
