using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// What a twin concludes goes two ways: each step of an alert's life (raised, changed band, cleared) becomes one typed
/// event on the asset's record, with the alert's id, failure mode and PLM context, and health, RUL and alerts are published on the asset's own UNS branch,
/// {prefix}/{site path}/{asset}/_twin/{health_score|rul_days|alert}, retained so a new subscriber sees the latest.
/// </summary>
public sealed class TwinPublisher(IAssetEventLog events, UnsPublisher uns, IOptions<UnsOptions> unsOptions)
{
    public async Task PublishAsync(Asset asset, TwinModel model, TwinState state, IReadOnlyList<TwinEvent> concluded, CancellationToken ct)
    {
        var branch = asset.Site is { } site ? $"{unsOptions.Value.Prefix}/{site.Value}/{asset.Id}/_twin" : $"{unsOptions.Value.Prefix}/{asset.Id}/_twin";
        var records = new List<AssetEvent>();
        foreach (var e in concluded)
        {
            switch (e)
            {
                case LimitCrossed { Alert: var alert } crossed:
                    records.Add(Record(crossed.Previous is null ? AssetEventKind.AlertRaised : AssetEventKind.AlertChanged, alert, e.At, crossed.Previous));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case AnomalyDetected { Alert: var alert }:
                    records.Add(Record(AssetEventKind.AlertRaised, alert, e.At, null));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case CorrelationRuleFired { Alert: var alert }:
                    records.Add(Record(AssetEventKind.AlertRaised, alert, e.At, null));
                    await PublishAsync($"{branch}/alert", JsonSerializer.Serialize(alert, TwinGrain.ViewJson), ct);
                    break;
                case AlertCleared { Alert: var alert } cleared:
                    records.Add(Record(AssetEventKind.AlertCleared, alert with { Value = cleared.Value }, e.At, alert.Severity));
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

        // The evidence goes along as text for people; everything a rule or a fleet query reads is a typed field.
        AssetEvent Record(AssetEventKind kind, TwinAlert alert, DateTimeOffset at, LimitSeverity? previous) => AssetEvent.Alert(
            kind, asset.Id, at, model.Item, model.Revision, asset.Site?.Value, alert.Severity,
            new AlertPayload(alert.IdOr(asset.Id), alert.Kind, alert.Key, alert.Signal, alert.FailureMode, alert.Value,
                alert.Limit?.Unit ?? UnitOf(model, alert.Signal), alert.Limit, previous, alert.Message),
            JsonSerializer.Serialize(alert, TwinGrain.ViewJson));
    }

    private static string? UnitOf(TwinModel model, string signal) => model.IndexOf(signal) is var i and >= 0 ? model.Signals[i].Unit : null;

    private Task<bool> PublishAsync(string topic, string payload, CancellationToken ct) => uns.TryPublishAsync(
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build(), ct);
}
