using Threadline.Features.Plm;

namespace Threadline.Features.Twins;

/// <summary>
/// Reads the PLM catalog version every <see cref="Period"/> (one row), so the snapshot in memory, which twins and the
/// limit judge consult without a database read, follows writes made by other servers on the same store: a twin follows
/// a document or limit change written elsewhere within that period. It also loads the snapshot at start, before the
/// first reading arrives.
/// </summary>
internal sealed class PlmSnapshotRefresher(PlmService plm, TimeProvider time, ILogger<PlmSnapshotRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await plm.CatalogAsync(stoppingToken);
            }
#pragma warning disable CA1031 // A store that cannot answer now is read again at the next tick; the snapshot held stays valid.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "The PLM catalog could not be refreshed; twins keep the snapshot they have");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
