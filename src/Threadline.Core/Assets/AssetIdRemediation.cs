namespace Threadline.Assets;

public enum RemediationStatus
{
    /// <summary>Already the canonical ID of a registered asset.</summary>
    Exact,

    /// <summary>A loose spelling (case, separators, padding) of a registered asset's ID, or one of its legacy IDs.</summary>
    Normalised,

    /// <summary>Not registered as written, but one registered ID is a small edit (typo) away.</summary>
    NearMatch,

    /// <summary>Several registered IDs are equally close; a person must choose.</summary>
    Ambiguous,

    /// <summary>A well-formed ID of a known family that matches no registered asset.</summary>
    Unknown,

    /// <summary>No family prefix matches.</summary>
    UnknownPrefix,

    /// <summary>The family matches but the rest does not fit its pattern.</summary>
    Malformed,
}

/// <summary>What remediation makes of one raw ID: its canonical form if it has one, and the record it most likely means.</summary>
public sealed record RemediationResult(
    string Input,
    RemediationStatus Status,
    string? Canonical,
    string? Proposal,
    int? Distance,
    IReadOnlyList<string> Candidates,
    string Reason);

/// <summary>
/// Repairs asset IDs gathered over years. Rules first (upper case, any separator, serial zero padding, revision
/// number padding), then near matches: the registered IDs within an edit distance of two (optimal string alignment,
/// so a swap of two neighbouring characters counts as one typo), compared in compact form within the family.
/// </summary>
public sealed class AssetIdRemediation
{
    public const int MaxDistance = 2;

    private readonly AssetFamilyTable _families;
    private readonly Dictionary<string, string> _canonicalByCompact;
    private readonly Dictionary<string, List<(string Compact, string Id)>> _byFamily;
    private readonly Dictionary<(string Family, string Serial), List<string>> _bySerial;

    /// <param name="knownIds">Registered asset IDs, and legacy IDs mapped to the asset ID they stand for.</param>
    public AssetIdRemediation(AssetFamilyTable families, IEnumerable<KeyValuePair<string, string>> knownIds)
    {
        _families = families;
        _canonicalByCompact = new Dictionary<string, string>(StringComparer.Ordinal);
        _byFamily = new Dictionary<string, List<(string, string)>>(StringComparer.OrdinalIgnoreCase);
        _bySerial = [];
        foreach (var (spelling, id) in knownIds)
        {
            var compact = AssetFamily.Compact(spelling);
            _canonicalByCompact.TryAdd(compact, id);
            var family = families.Route(id)?.Prefix ?? "";
            if (!_byFamily.TryGetValue(family, out var list))
            {
                _byFamily[family] = list = [];
            }
            list.Add((AssetFamily.Compact(id), id));
            if (spelling == id && families.Route(id)?.TryParse(id) is { } parsed)
            {
                var key = (parsed.Family.Prefix, parsed.Serial);
                if (!_bySerial.TryGetValue(key, out var units))
                {
                    _bySerial[key] = units = [];
                }
                units.Add(id);
            }
        }
    }

    public RemediationResult Propose(string input)
    {
        var raw = input.Trim();
        if (_canonicalByCompact.TryGetValue(AssetFamily.Compact(raw), out var known))
        {
            return string.Equals(raw, known, StringComparison.Ordinal)
                ? new RemediationResult(input, RemediationStatus.Exact, known, known, 0, [known], "Registered.")
                : new RemediationResult(input, RemediationStatus.Normalised, known, known, 0, [known], $"A loose spelling or legacy ID of {known}.");
        }
        var family = _families.Route(raw);
        if (family is null)
        {
            return new RemediationResult(input, RemediationStatus.UnknownPrefix, null, null, null, [],
                $"No product family prefix matches '{raw}'; known prefixes: {string.Join(", ", _families.Families.Select(f => f.Prefix).Order(StringComparer.Ordinal))}.");
        }
        var parsed = family.TryNormalise(raw);
        var compact = AssetFamily.Compact(parsed?.CanonicalId ?? raw);
        if (_canonicalByCompact.TryGetValue(compact, out var id))
        {
            return new RemediationResult(input, RemediationStatus.Normalised, id, id, 0, [id], $"A loose spelling of {id}.");
        }

        // The serial is what names a unit; an ID whose serial belongs to exactly one registered unit of the family
        // means that unit, whatever else is wrong with it (most often a revision number written from memory).
        if (parsed is not null && _bySerial.TryGetValue((family.Prefix, parsed.Serial), out var sameSerial) && sameSerial.Count == 1)
        {
            var unit = sameSerial[0];
            var distance = OptimalStringAlignment(compact, AssetFamily.Compact(unit));
            return new RemediationResult(input, RemediationStatus.NearMatch, parsed.CanonicalId, unit, distance, [unit],
                $"Not registered; serial {parsed.Serial} is registered as {unit}.");
        }
        var near = Nearest(family.Prefix, compact);
        if (near.Count == 1)
        {
            return new RemediationResult(input, RemediationStatus.NearMatch, parsed?.CanonicalId, near[0].Id, near[0].Distance, [near[0].Id],
                $"Not registered; {near[0].Id} is {near[0].Distance} edit(s) away.");
        }
        if (near.Count > 1)
        {
            return new RemediationResult(input, RemediationStatus.Ambiguous, parsed?.CanonicalId, null, near[0].Distance, [.. near.Select(n => n.Id)],
                $"Not registered; {near.Count} registered IDs are {near[0].Distance} edit(s) away: {string.Join(", ", near.Select(n => n.Id))}.");
        }
        return parsed is null
            ? new RemediationResult(input, RemediationStatus.Malformed, null, null, null, [],
                $"'{raw}' does not fit the {family.Prefix} pattern {family.Pattern} and no registered ID is close.")
            : new RemediationResult(input, RemediationStatus.Unknown, parsed.CanonicalId, null, null, [],
                $"{parsed.CanonicalId} is well formed but no asset is registered under it or near it.");
    }

    private List<(string Id, int Distance)> Nearest(string familyPrefix, string compact)
    {
        if (!_byFamily.TryGetValue(familyPrefix, out var candidates))
        {
            return [];
        }
        var best = MaxDistance + 1;
        var found = new List<(string Id, int Distance)>();
        foreach (var (candidateCompact, id) in candidates)
        {
            if (Math.Abs(candidateCompact.Length - compact.Length) > MaxDistance)
            {
                continue;
            }
            var distance = OptimalStringAlignment(compact, candidateCompact, best);
            if (distance < best)
            {
                best = distance;
                found.Clear();
            }
            if (distance == best && distance <= MaxDistance && !found.Any(f => f.Id == id))
            {
                found.Add((id, distance));
            }
        }
        return found;
    }

    /// <summary>
    /// Edit distance counting insertion, deletion, substitution and the swap of two adjacent characters as one
    /// edit each; gives up (returns <paramref name="limit"/> + 1 or more) once every row exceeds the limit.
    /// </summary>
    public static int OptimalStringAlignment(string a, string b, int limit = int.MaxValue - 1)
    {
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > limit)
            {
                return rowMin;
            }
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
