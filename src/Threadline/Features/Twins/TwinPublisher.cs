using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// What a twin concludes goes two ways: alerts become lifecycle events on the asset's record (with their evidence
/// and PLM context), and health, RUL and alerts are published on the asset's own UNS branch,
/// {prefix}/{site path}/{asset}/_twin/{health_score|rul_days|alert}, retained so a new subscriber sees the latest.
/// </summary>
public sealed class TwinPublisher(IAssetEventLog events, UnsPublisher uns, IOptions<UnsOptions> unsOptions)
{
    public async Task PublishAsync(Asset asset, TwinModel model, TwinState state, IReadOnlyList<TwinEvent> concluded, CancellationToken ct)
    {
        var branch = asset.Site is { } site ? $"{unsOptions.Value.Prefix}/{site.Value}/{asset.Id}/_twin" : $"{unsOptions.Value.Prefix}/{asset.Id}/_twin";
        var records = new List<AssetLifecycleEvent>();
        foreach (var e in concluded)
        {
            switch (e)
            {
                case LimitCrossed { Alert: var alert }:
                    records.Add(Record("twin-alert", alert, e.At));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case AnomalyDetected { Alert: var alert }:
                    records.Add(Record("twin-alert", alert, e.At));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case CorrelationRuleFired { Alert: var alert }:
                    records.Add(Record("twin-alert", alert, e.At));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case AlertCleared { Alert: var alert }:
                    records.Add(Record("twin-alert-cleared", alert, e.At));
                    break;
                case HealthChanged health:
                    await PublishAsync($"{branch}/health_score", health.Health.ToString("0.####", CultureInfo.InvariantCulture), ct);
                    await PublishAsync($"{branch}/rul_days",
                        health.Rul.Days is { } days ? days.ToString("0.#", CultureInfo.InvariantCulture) : "null", ct);
                    break;
            }
        }
        if (records.Count > 0)
        {
            await events.AppendAsync(records, ct);
        }

        AssetLifecycleEvent Record(string kind, TwinAlert alert, DateTimeOffset at) => new(
            asset.Id, kind, at, model.Item, model.Revision, alert.Signal, alert.Value, alert.Limit?.Unit,
            alert.Limit?.Min, alert.Limit?.Max, alert.Severity.ToString(), JsonSerializer.Serialize(alert, TwinGrain.ViewJson));
    }

    private Task<bool> PublishAsync(string topic, string payload, CancellationToken ct) => uns.TryPublishAsync(
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build(), ct);
}
