using Threadline.Api;
using Threadline.Common;
using Threadline.Plm;

namespace Threadline.Features.Plm;

// Request and response bodies of the PLM API. Dates and enums travel as text so that a wrong value gets an
// error naming the field instead of a generic "could not read the body".

public sealed record CreateItemRequest(string? Number, string? Name, string? Kind, string? Family, string? Uom, string? FirstRevision);

public sealed record CreateRevisionRequest(string? Code);

public sealed record EffectivityDto(string? SerialFrom, string? SerialTo, string? DateFrom, string? DateTo, IReadOnlyList<string>? Lots)
{
    public static EffectivityDto? From(Effectivity e) => e.IsUnconditional ? null : new(
        e.SerialFrom?.Value, e.SerialTo?.Value, e.DateFrom?.ToString("O"), e.DateTo?.ToString("O"), e.Lots.Count == 0 ? null : [.. e.Lots]);

    public Effectivity ToDomain(string where) => new(
        RequestValues.ParseOptionalSerial(SerialFrom, $"{where} serialFrom"),
        RequestValues.ParseOptionalSerial(SerialTo, $"{where} serialTo"),
        RequestValues.ParseOptionalInstant(DateFrom, $"{where} dateFrom"),
        RequestValues.ParseOptionalInstant(DateTo, $"{where} dateTo"),
        (Lots ?? []).Select(l => l?.Trim() ?? "").ToList());
}

public sealed record BomLineDto(string? Child, decimal? Quantity, string? FindNumber, IReadOnlyList<string>? RefDes, string? Revision, EffectivityDto? Effectivity)
{
    public BomLine ToDomain(int position)
    {
        var where = $"BOM line {position}";
        return new BomLine(
            RequestValues.Required(FindNumber, $"{where} findNumber"),
            RequestValues.Required(Child, $"{where} child"),
            Quantity ?? throw PlmRuleException.Invalid("missing-quantity", $"{where} quantity is required."),
            (RefDes ?? []).ToList(),
            string.IsNullOrWhiteSpace(Revision) ? null : Revision.Trim(),
            Effectivity?.ToDomain(where) ?? Threadline.Plm.Effectivity.Always);
    }

    public static BomLineDto From(BomLine line) => new(line.Child, line.Quantity, line.FindNumber,
        line.ReferenceDesignators.Count == 0 ? null : [.. line.ReferenceDesignators], line.PinnedRevision, EffectivityDto.From(line.Effectivity));
}

public sealed record SetBomRequest(IReadOnlyList<BomLineDto>? Lines);

public sealed record DesignLimitDto(string? Signal, double? Min, double? Max, string? Unit, string? Severity)
{
    public DesignLimit ToDomain(int position) => new(
        RequestValues.Required(Signal, $"Limit {position} signal"), Min, Max,
        RequestValues.Required(Unit, $"Limit {position} unit"),
        Severity is null ? LimitSeverity.Warning : RequestValues.ParseEnum<LimitSeverity>(Severity, $"Limit {position} severity"));

    public static DesignLimitDto From(DesignLimit limit) => new(limit.Signal, limit.Min, limit.Max, limit.Unit, limit.Severity.ToString());
}

public sealed record SetLimitsRequest(IReadOnlyList<DesignLimitDto>? Limits);

public sealed record ServiceBomEntryDto(string? FindNumber, string? Item, double? ReplacementIntervalHours, IReadOnlyList<string>? ServiceParts, string? LabourOperation)
{
    public ServiceBomEntry ToDomain(int position) => new(
        RequestValues.Required(FindNumber, $"Service BOM entry {position} findNumber"),
        RequestValues.Required(Item, $"Service BOM entry {position} item"),
        ReplacementIntervalHours, (ServiceParts ?? []).ToList(), LabourOperation);

    public static ServiceBomEntryDto From(ServiceBomEntry entry) => new(entry.FindNumberPath, entry.Item, entry.ReplacementIntervalHours,
        [.. entry.ServiceParts], entry.LabourOperation);
}

public sealed record SetServiceBomRequest(IReadOnlyList<ServiceBomEntryDto>? Entries);

public sealed record ReleaseRequest(string? EffectiveFrom);

public sealed record MoveRevisionRequest(string? State);

public sealed record RevisionSummary(string Code, string State, DateTimeOffset CreatedAt, DateTimeOffset? EffectiveFrom, DateTimeOffset? SupersededAt, int BomLines, int Limits, int ServiceBomEntries);

public sealed record ItemResponse(string Number, string Name, string Kind, string Uom, string? Family, IReadOnlyList<RevisionSummary> Revisions)
{
    public static ItemResponse From(Item item) => new(item.Number, item.Name, item.Kind.ToString(), item.Uom, item.Family,
        [.. item.Revisions.Select(r => new RevisionSummary(r.Code, r.State.ToString(), r.CreatedAt, r.EffectiveFrom, r.SupersededAt, r.Bom.Count, r.Limits.Count, r.ServiceBom.Count))]);
}

public sealed record RevisionResponse(
    string Item, string Code, string State, DateTimeOffset CreatedAt, DateTimeOffset? EffectiveFrom, DateTimeOffset? SupersededAt,
    IReadOnlyList<BomLineDto> Bom, IReadOnlyList<DesignLimitDto> Limits, IReadOnlyList<ServiceBomEntryDto> ServiceBom)
{
    public static RevisionResponse From(Item item, ItemRevision r) => new(item.Number, r.Code, r.State.ToString(), r.CreatedAt, r.EffectiveFrom, r.SupersededAt,
        [.. r.Bom.Select(BomLineDto.From)], [.. r.Limits.Select(DesignLimitDto.From)], [.. r.ServiceBom.Select(ServiceBomEntryDto.From)]);
}

public sealed record ResolvedLineResponse(
    string FindNumber, string Item, string Name, string Kind, string? Revision, bool RevisionPinned, decimal Quantity, string Uom,
    IReadOnlyList<string>? RefDes, EffectivityDto? Effectivity, IReadOnlyList<ResolvedLineResponse> Lines)
{
    public static ResolvedLineResponse From(ResolvedBomLine line) => new(line.FindNumber, line.Item, line.Name, line.Kind.ToString(), line.Revision,
        line.RevisionPinned, line.Quantity, line.Uom, line.ReferenceDesignators.Count == 0 ? null : [.. line.ReferenceDesignators],
        EffectivityDto.From(line.Effectivity), [.. line.Lines.Select(From)]);
}

public sealed record ResolvedBomResponse(string Item, string Name, string Revision, string? Serial, DateTimeOffset At, string? Lot, IReadOnlyList<ResolvedLineResponse> Lines)
{
    public static ResolvedBomResponse From(ResolvedBom bom) => new(bom.Item, bom.Name, bom.Revision, bom.Query.Serial?.Value, bom.Query.At, bom.Query.Lot,
        [.. bom.Lines.Select(ResolvedLineResponse.From)]);
}

public sealed record WhereUsedResponse(string Item, DateTimeOffset At, IReadOnlyList<WhereUsedEntryResponse> UsedIn);

public sealed record WhereUsedEntryResponse(string Item, string Name, string Kind, string Revision, string FindNumber, decimal Quantity, EffectivityDto? Effectivity, IReadOnlyList<WhereUsedEntryResponse> UsedIn)
{
    public static WhereUsedEntryResponse From(WhereUsedEntry e) => new(e.Item, e.Name, e.Kind.ToString(), e.Revision, e.FindNumber, e.Quantity,
        EffectivityDto.From(e.Effectivity), [.. e.UsedIn.Select(From)]);
}

public sealed record RollUpResponse(string Item, string Revision, string? Serial, DateTimeOffset At, string? Lot, IReadOnlyList<RollUpEntry> Entries);
