using System.Globalization;
using System.Text.RegularExpressions;
using Threadline.Plm;
using Threadline.Prediction.Health;
using Threadline.Twins;

namespace Threadline.TwinModels;

/// <summary>One thing wrong with a twin model document: where (<see cref="Path"/>, e.g. <c>derived[2].formula</c>), what, and for a formula its text and position.</summary>
public sealed record TwinModelProblem(string Code, string Path, string Message, string? Formula = null, int? Position = null);

/// <summary>
/// Checks a twin model document and compiles it into the <see cref="TwinFamilyModel"/> the twin engine runs. Every
/// reference is resolved (a rule's signal, a component's failure mode, ...), derived properties are ordered so each is
/// computed after those it reads (a cycle is refused with its members), and each formula is compiled once. A refused
/// document is one <see cref="PlmRuleException"/> that lists every problem found, the first in its message.
/// </summary>
public static partial class TwinModelCompiler
{
    /// <summary>Compiles a document; <paramref name="displayName"/> and <paramref name="dtmiSegment"/> name the model where the document does not.</summary>
    /// <summary>Most entries of each list of a document (signals, derived properties, rules, failure modes, components): a unit's twin, not a plant's.</summary>
    public const int MaxEntries = 500;

    public static TwinFamilyModel Compile(TwinModelDocument document, string displayName, string dtmiSegment)
    {
        var problems = new List<TwinModelProblem>();
        foreach (var (path, count) in new[] { ("signals", document.Signals.Count), ("derived", document.Derived.Count), ("rules", document.Rules.Count),
            ("failureModes", document.FailureModes.Count), ("components", document.Components.Count) })
        {
            if (count > MaxEntries)
            {
                problems.Add(new("twin-model-too-large", path, $"{count} entries; a twin model holds at most {MaxEntries} of each."));
            }
        }
        if (problems.Count > 0)
        {
            throw Refusal(problems);
        }
        var signals = CheckSignals(document, problems);
        var signalIndex = signals.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var derived = CompileDerived(document, signalIndex, problems);
        var failureModes = CheckFailureModes(document, signalIndex, problems);
        var modeIds = failureModes.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var rules = CheckRules(document, signalIndex, failureModes, problems);
        var components = CheckComponents(document, signalIndex, modeIds, problems);
        var running = CheckRunning(document, signalIndex, problems);
        var bins = CheckBins(document, signalIndex, problems);
        var rul = CheckRul(document, signalIndex, problems);
        var tuning = CheckTuning(document.Tuning ?? new TwinTuning(), problems);
        if (problems.Count > 0)
        {
            throw Refusal(problems);
        }
        return new TwinFamilyModel(
            dtmiSegment,
            document.DisplayName ?? displayName,
            signals,
            [.. derived.Select(d => d.Property)],
            rules,
            failureModes,
            bins,
            running,
            rul,
            tuning)
        {
            Components = components,
            DerivedOrder = [.. derived.Select((d, i) => (d.Order, i)).OrderBy(p => p.Order).Select(p => p.i)],
            Document = document,
        };
    }

    /// <summary>Compiles the document of a revision of an item: named after the item where the document gives no display name.</summary>
    public static TwinFamilyModel Compile(TwinModelDocument document, Item item) =>
        Compile(document, item.Name, DtdlExport.Segment(item.Number));

    /// <summary>The exception for a list of problems: the first one's code and message, all of them under <c>errors</c>.</summary>
    public static PlmRuleException Refusal(IReadOnlyList<TwinModelProblem> problems)
    {
        var first = problems[0];
        var more = problems.Count > 1 ? $" ({problems.Count - 1} more problem{(problems.Count == 2 ? "" : "s")} under 'errors')" : "";
        var extensions = new Dictionary<string, object?> { ["errors"] = problems };
        if (first.Formula is not null)
        {
            extensions["property"] = first.Path;
            extensions["formula"] = first.Formula;
            extensions["position"] = first.Position;
        }
        return new PlmRuleException(RuleViolationKind.Invalid, first.Code, $"{first.Path}: {first.Message}{more}") { Extensions = extensions };
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.\-]*$")]
    private static partial Regex NamePattern();

    private static List<TwinSignal> CheckSignals(TwinModelDocument document, List<TwinModelProblem> problems)
    {
        if (document.Signals.Count == 0)
        {
            problems.Add(new("twin-model-no-signals", "signals", "A twin model declares at least one signal."));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var signals = new List<TwinSignal>();
        for (var i = 0; i < document.Signals.Count; i++)
        {
            var signal = document.Signals[i];
            var path = $"signals[{i}]";
            if (!CheckName(signal.Name, path, "signal", seen, problems))
            {
                continue;
            }
            if (string.IsNullOrWhiteSpace(signal.Unit))
            {
                problems.Add(new("twin-model-unit-missing", path + ".unit", $"Signal '{signal.Name}' needs its unit (for example mm/s; \"1\" for a count or ratio)."));
            }
            if (!double.IsFinite(signal.Deadband) || signal.Deadband < 0)
            {
                problems.Add(new("twin-model-invalid-value", path + ".deadband", $"The deadband of '{signal.Name}' is a finite number of at least 0, not {Format(signal.Deadband)}."));
            }
            if (!double.IsFinite(signal.NoiseFloor) || signal.NoiseFloor < 0)
            {
                problems.Add(new("twin-model-invalid-value", path + ".noiseFloor", $"The noise floor of '{signal.Name}' is a finite number of at least 0, not {Format(signal.NoiseFloor)}."));
            }
            signals.Add(signal with { Name = signal.Name.Trim(), Unit = signal.Unit?.Trim() ?? "", Description = signal.Description ?? "" });
        }
        return signals;
    }

    private readonly record struct CompiledDerived(DerivedProperty Property, int Order);

    private static List<CompiledDerived> CompileDerived(TwinModelDocument document, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        var declared = document.Derived;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(signals.Keys, StringComparer.Ordinal);
        for (var i = 0; i < declared.Count; i++)
        {
            var d = declared[i];
            if (CheckName(d.Name, $"derived[{i}]", "derived property", names, problems))
            {
                index[d.Name] = i;
            }
            if (string.IsNullOrWhiteSpace(d.Unit))
            {
                problems.Add(new("twin-model-unit-missing", $"derived[{i}].unit", $"Derived property '{d.Name}' needs the unit of its result."));
            }
        }

        // What each formula reads, to order them and find cycles before any is compiled.
        var reads = new IReadOnlyList<string>?[declared.Count];
        for (var i = 0; i < declared.Count; i++)
        {
            try
            {
                reads[i] = Formula.IdentifiersOf(declared[i].Formula ?? "");
            }
            catch (FormulaException ex)
            {
                problems.Add(FormulaProblem(i, declared[i], ex));
            }
        }
        var order = new int[declared.Count];
        var state = new int[declared.Count];
        var next = 0;
        for (var i = 0; i < declared.Count; i++)
        {
            Visit(i, []);
        }

        var slotBase = signals.Count;
        var compiled = new List<CompiledDerived>(declared.Count);
        for (var i = 0; i < declared.Count; i++)
        {
            var d = declared[i];
            if (reads[i] is null)
            {
                continue;
            }
            try
            {
                var formula = Formula.Compile(d.Formula, name =>
                    signals.TryGetValue(name, out var s) ? s : index.TryGetValue(name, out var j) ? slotBase + j : -1);
                var inputs = SignalsRead(i, new HashSet<int>()).Distinct(StringComparer.Ordinal).ToArray();
                compiled.Add(new(new DerivedProperty(d.Name.Trim(), d.Unit?.Trim() ?? "", d.Description ?? "", d.Formula, inputs, formula.Evaluate), order[i]));
            }
            catch (FormulaException ex)
            {
                problems.Add(FormulaProblem(i, d, ex));
            }
        }
        return compiled;

        // Depth-first, so each property gets its place after every property it reads; a property met again while its
        // own reads are being placed closes a cycle.
        void Visit(int i, List<int> path)
        {
            if (state[i] == 2 || reads[i] is null)
            {
                return;
            }
            if (state[i] == 1)
            {
                var cycle = path.SkipWhile(p => p != i).Append(i).Select(p => declared[p].Name);
                problems.Add(new("twin-model-formula-cycle", $"derived[{i}].formula",
                    $"Derived properties read each other in a cycle: {string.Join(" → ", cycle)}.", declared[i].Formula));
                return;
            }
            state[i] = 1;
            path.Add(i);
            foreach (var name in reads[i]!)
            {
                if (index.TryGetValue(name, out var j))
                {
                    Visit(j, path);
                }
            }
            path.RemoveAt(path.Count - 1);
            state[i] = 2;
            order[i] = next++;
        }

        IEnumerable<string> SignalsRead(int i, HashSet<int> visited)
        {
            if (!visited.Add(i))
            {
                yield break;
            }
            foreach (var name in reads[i] ?? [])
            {
                if (signals.ContainsKey(name))
                {
                    yield return name;
                }
                else if (index.TryGetValue(name, out var j))
                {
                    foreach (var s in SignalsRead(j, visited))
                    {
                        yield return s;
                    }
                }
            }
        }
    }

    private static TwinModelProblem FormulaProblem(int i, DerivedDeclaration d, FormulaException ex) => new(
        "twin-model-formula", $"derived[{i}].formula",
        $"The formula of '{d.Name}' ({d.Formula}){(ex.Position is { } p ? $" at position {p.ToString(CultureInfo.InvariantCulture)}" : "")}: {ex.Message}",
        d.Formula, ex.Position);

    private static List<FailureModeSignature> CheckFailureModes(TwinModelDocument document, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var modes = new List<FailureModeSignature>();
        for (var i = 0; i < document.FailureModes.Count; i++)
        {
            var mode = document.FailureModes[i];
            var path = $"failureModes[{i}]";
            if (!CheckId(mode.Id, path, "failure mode", seen, problems))
            {
                continue;
            }
            if (!double.IsFinite(mode.Prior) || mode.Prior is < 0 or > 1)
            {
                problems.Add(new("twin-model-invalid-value", path + ".prior", $"The prior of '{mode.Id}' is a probability from 0 to 1, not {Format(mode.Prior)}."));
            }
            var evidence = mode.Evidence ?? [];
            for (var e = 0; e < evidence.Count; e++)
            {
                var item = evidence[e];
                RequireSignal(item.Signal, $"{path}.evidence[{e}].signal", signals, problems);
                if (!double.IsFinite(item.Weight) || item.Weight is < 0 or > 1 || !double.IsFinite(item.Healthy) || !double.IsFinite(item.Failed))
                {
                    problems.Add(new("twin-model-invalid-value", $"{path}.evidence[{e}]", $"Evidence of '{mode.Id}' on '{item.Signal}' needs finite healthy and failed values and a weight from 0 to 1."));
                }
            }
            modes.Add(new FailureModeSignature(mode.Id, string.IsNullOrWhiteSpace(mode.Name) ? mode.Id : mode.Name, mode.Prior, evidence, mode.RecommendedAction ?? ""));
        }
        return modes;
    }

    private static List<CorrelationRule> CheckRules(
        TwinModelDocument document, Dictionary<string, int> signals, List<FailureModeSignature> modes, List<TwinModelProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<CorrelationRule>();
        for (var i = 0; i < document.Rules.Count; i++)
        {
            var rule = document.Rules[i];
            var path = $"rules[{i}]";
            if (!CheckId(rule.Id, path, "rule", seen, problems))
            {
                continue;
            }
            var conditions = rule.Conditions ?? [];
            if (conditions.Count == 0)
            {
                problems.Add(new("twin-model-rule-empty", path + ".conditions", $"Rule '{rule.Id}' needs at least one condition."));
            }
            for (var c = 0; c < conditions.Count; c++)
            {
                RequireSignal(conditions[c].Signal, $"{path}.conditions[{c}].signal", signals, problems);
                if (!double.IsFinite(conditions[c].Threshold))
                {
                    problems.Add(new("twin-model-invalid-value", $"{path}.conditions[{c}].value", $"A condition of rule '{rule.Id}' needs a finite value."));
                }
            }
            FailureModeSignature? mode = null;
            if (rule.FailureMode is { } modeId && (mode = modes.FirstOrDefault(m => m.Id == modeId)) is null)
            {
                problems.Add(new("twin-model-unknown-reference", path + ".failureMode", $"Rule '{rule.Id}' points to failure mode '{modeId}', which the model does not declare."));
            }
            rules.Add(new CorrelationRule(
                rule.Id,
                rule.Description ?? Hypothesis(rule.Id, conditions),
                rule.Severity,
                conditions,
                rule.FailureMode,
                rule.RecommendedAction ?? mode?.RecommendedAction ?? ""));
        }
        return rules;
    }

    private static List<TwinComponent> CheckComponents(
        TwinModelDocument document, Dictionary<string, int> signals, HashSet<string> modes, List<TwinModelProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<TwinComponent>();
        for (var i = 0; i < document.Components.Count; i++)
        {
            var component = document.Components[i];
            var path = $"components[{i}]";
            if (!CheckId(component.Id, path, "component", seen, problems))
            {
                continue;
            }
            var items = (component.Item is { } one ? [one] : Array.Empty<string>()).Concat(component.Items ?? [])
                .Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (items.Length == 0)
            {
                problems.Add(new("twin-model-component-item", path + ".item", $"Component '{component.Id}' names the BOM item it is (item, or items for alternatives)."));
            }
            var componentSignals = component.Signals ?? [];
            for (var s = 0; s < componentSignals.Count; s++)
            {
                RequireSignal(componentSignals[s], $"{path}.signals[{s}]", signals, problems);
            }
            var componentModes = component.FailureModes ?? [];
            for (var m = 0; m < componentModes.Count; m++)
            {
                if (!modes.Contains(componentModes[m]))
                {
                    problems.Add(new("twin-model-unknown-reference", $"{path}.failureModes[{m}]",
                        $"Component '{component.Id}' is subject to failure mode '{componentModes[m]}', which the model does not declare."));
                }
            }
            components.Add(new TwinComponent(component.Id, component.Name ?? component.Id, items, componentSignals, componentModes));
        }
        return components;
    }

    private static RunningRule? CheckRunning(TwinModelDocument document, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        if (document.Running is not { } running)
        {
            return null;
        }
        var conditions = running.AnyAbove ?? [];
        if (conditions.Count == 0)
        {
            problems.Add(new("twin-model-running-empty", "running.anyAbove", "A running rule names at least one signal and the value above which the unit runs; leave 'running' out to take the unit as always running."));
        }
        for (var i = 0; i < conditions.Count; i++)
        {
            RequireSignal(conditions[i].Signal, $"running.anyAbove[{i}].signal", signals, problems);
        }
        return running;
    }

    private static OperatingBins CheckBins(TwinModelDocument document, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        if (document.OperatingBins is not { } bins)
        {
            return OperatingBins.None;
        }
        RequireSignal(bins.Signal, "operatingBins.signal", signals, problems);
        var edges = bins.Edges ?? [];
        for (var i = 1; i < edges.Count; i++)
        {
            if (!(edges[i] > edges[i - 1]))
            {
                problems.Add(new("twin-model-invalid-value", $"operatingBins.edges[{i}]", "Bin edges rise strictly."));
                break;
            }
        }
        return bins with { Edges = edges };
    }

    private static RulRule? CheckRul(TwinModelDocument document, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        if (document.Rul is not { } rul)
        {
            return null;
        }
        RequireSignal(rul.Signal, "rul.signal", signals, problems);
        if (!double.IsFinite(rul.HorizonDays) || rul.HorizonDays <= 0)
        {
            problems.Add(new("twin-model-invalid-value", "rul.horizonDays", $"The RUL horizon is a number of days above 0, not {Format(rul.HorizonDays)}."));
        }
        if (rul.MinSamplesPerDay < 1)
        {
            problems.Add(new("twin-model-invalid-value", "rul.minSamplesPerDay", "A day counts toward the RUL trend with at least 1 sample."));
        }
        return rul;
    }

    private static TwinTuning CheckTuning(TwinTuning t, List<TwinModelProblem> problems)
    {
        void Require(bool holds, string key, string rule)
        {
            if (!holds)
            {
                problems.Add(new("twin-model-invalid-value", "tuning." + key, rule));
            }
        }
        Require(t.BaselineRate is > 0 and <= 1, "baselineRate", "The baseline rate is above 0 and at most 1 (per sample).");
        Require(t.BaselineWarmup >= 1, "baselineWarmup", "The baseline warm-up is at least 1 sample.");
        Require(t.AnomalyExitZ > 0 && t.AnomalyEnterZ > t.AnomalyExitZ, "anomalyEnterZ", "The anomaly thresholds are positive, entering above leaving (|z|).");
        Require(t.OnDelay >= 1, "onDelay", "The on-delay is at least 1 sample.");
        Require(t.RuleDelay >= 1, "ruleDelay", "The rule delay is at least 1 evaluation.");
        Require(t.FastTrend > TimeSpan.Zero && t.SlowTrend > t.FastTrend, "slowTrend", "The trend time constants are positive, the slow one longer than the fast one.");
        Require(t.StartupGrace >= TimeSpan.Zero, "startupGrace", "The start-up grace is not negative.");
        Require(t.HealthStep is > 0 and <= 1, "healthStep", "The health reporting step is above 0 and at most 1.");
        Require(t.RulStepDays > 0, "rulStepDays", "The RUL reporting step is above 0 days.");
        return t;
    }

    private static bool CheckName(string? name, string path, string what, HashSet<string> seen, List<TwinModelProblem> problems)
    {
        if (name is null || !NamePattern().IsMatch(name) || string.Equals(name, "null", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new("twin-model-invalid-name", path + ".name",
                $"'{name}' is not a {what} name: it starts with a letter and holds only letters, digits, '_', '.' or '-' (and is not 'null')."));
            return false;
        }
        if (!seen.Add(name))
        {
            problems.Add(new("twin-model-duplicate", path + ".name", $"'{name}' is declared twice (signal and derived property names share one space)."));
            return false;
        }
        return true;
    }

    private static bool CheckId(string? id, string path, string what, HashSet<string> seen, List<TwinModelProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            problems.Add(new("twin-model-invalid-name", path + ".id", $"A {what} needs an id."));
            return false;
        }
        if (!seen.Add(id))
        {
            problems.Add(new("twin-model-duplicate", path + ".id", $"The {what} id '{id}' is declared twice."));
            return false;
        }
        return true;
    }

    private static void RequireSignal(string? signal, string path, Dictionary<string, int> signals, List<TwinModelProblem> problems)
    {
        if (signal is null || !signals.ContainsKey(signal))
        {
            problems.Add(new("twin-model-unknown-signal", path, $"'{signal}' is not a signal of this model."));
        }
    }

    private static string Hypothesis(string id, IReadOnlyList<CorrelationCondition> conditions) =>
        $"{id}: " + string.Join(" and ", conditions.Select(c => $"{c.Signal} {c.Kind.ToString().ToLowerInvariant()} {Format(c.Threshold)}"));

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
