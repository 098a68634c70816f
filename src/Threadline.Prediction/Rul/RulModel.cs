using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Threadline.Prediction.Rul;

/// <summary>Settings of <see cref="RulModel"/>. Defaults are the ones measured in docs/benchmarks.md.</summary>
public sealed record RulModelOptions
{
    /// <summary>
    /// Cap of the piecewise-linear target, in cycles (default 125). Early in life sensors show no wear, so a "true" RUL of 300
    /// cannot be told from 150; capping makes the target what the data can know.
    /// </summary>
    public double MaxRul { get; init; } = 125;

    /// <summary>Boosted trees per model (default 800).</summary>
    public int Trees { get; init; } = 800;

    /// <summary>Leaves per tree (default 8).</summary>
    public int Leaves { get; init; } = 8;

    /// <summary>Shrinkage of each tree (default 0.05).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Fewest training rows in a leaf (default 20).</summary>
    public int MinRowsPerLeaf { get; init; } = 20;

    /// <summary>
    /// Folds (split by unit) for the out-of-fold residuals behind the interval (default 3; 0 or 1 gives no interval).
    /// Each fold trains one model (no ensemble) with half the trees at twice the learning rate, which keeps training on FD001 well under a minute on 2 cores.
    /// </summary>
    public int Folds { get; init; } = 3;

    /// <summary>Share of outcomes the interval should hold (default 0.8: the 10th to 90th residual percentile).</summary>
    public double IntervalCoverage { get; init; } = 0.8;

    /// <summary>
    /// Boosted models averaged for the point prediction, each with its own seed (default 3). Row and feature sampling make single
    /// models differ by about ±0.2 cycles RMSE on FD001; averaging smooths that out at a proportional training cost.
    /// </summary>
    public int EnsembleSize { get; init; } = 3;

    /// <summary>Seed for every random choice (default 42).</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// A remaining-useful-life prediction in cycles: the point estimate and an interval meant to hold the true RUL with the
/// model's interval coverage. RUL is on the capped scale: a value at the cap means "at least this much".
/// </summary>
public sealed record RulPrediction(double Rul, double Lower, double Upper);

/// <summary>
/// Predicts remaining useful life from a unit's history so far. Trained on run-to-failure histories: each cycle of each run is a
/// sample whose target is min(cycles left, cap). An average of gradient-boosted regression tree models (ML.NET FastTree) over
/// <see cref="RulFeatures"/> of condition-normalised sensors; the interval comes from out-of-fold residual quantiles,
/// grouped by predicted RUL because the error grows with the distance to failure.
/// </summary>
public sealed class RulModel
{
    private const int IntervalBins = 5;

    private readonly OperatingConditionNormaliser _normaliser;
    private readonly ITransformer[] _models;
    private readonly MLContext _ml;
    private readonly SchemaDefinition _schema;
    private readonly RulModelOptions _options;
    private readonly double[] _lowerResidual;
    private readonly double[] _upperResidual;

    private RulModel(
        OperatingConditionNormaliser normaliser, MLContext ml, SchemaDefinition schema, ITransformer[] models,
        RulModelOptions options, double[] lowerResidual, double[] upperResidual)
    {
        _normaliser = normaliser;
        _ml = ml;
        _schema = schema;
        _models = models;
        _options = options;
        _lowerResidual = lowerResidual;
        _upperResidual = upperResidual;
    }

    /// <summary>Sensors the model reads (zero-based sensor columns).</summary>
    public IReadOnlyList<int> Sensors => _normaliser.KeptSensors;

    /// <summary>Trains on complete runs to failure: the last cycle of each history is taken as the failure.</summary>
    public static RulModel Train(IReadOnlyList<UnitHistory> runsToFailure, RulModelOptions? options = null)
    {
        options ??= new RulModelOptions();
        if (runsToFailure.Count == 0)
        {
            throw new ArgumentException("At least one run to failure is needed.", nameof(runsToFailure));
        }

        var normaliser = OperatingConditionNormaliser.Fit(runsToFailure);
        var featureLength = RulFeatures.Length(normaliser.KeptSensors.Count);
        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(RulRow));
        schema[nameof(RulRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureLength);

        var perUnit = runsToFailure.Select(h => Rows(h, normaliser, options.MaxRul).ToArray()).ToArray();
        var allRows = perUnit.SelectMany(r => r).ToArray();
        var models = Enumerable.Range(0, Math.Max(1, options.EnsembleSize))
            .Select(k => Fit(ml, schema, allRows, options with { Seed = options.Seed + k }))
            .ToArray();

        var lower = new double[IntervalBins];
        var upper = new double[IntervalBins];
        if (options.Folds >= 2 && runsToFailure.Count >= options.Folds)
        {
            var residuals = Enumerable.Range(0, IntervalBins).Select(_ => new List<double>()).ToArray();
            for (var fold = 0; fold < options.Folds; fold++)
            {
                var trainRows = perUnit.Where((_, i) => i % options.Folds != fold).SelectMany(r => r);
                var heldOut = perUnit.Where((_, i) => i % options.Folds == fold).SelectMany(r => r).ToArray();
                var foldModel = Fit(ml, schema, trainRows, options with { Trees = Math.Max(1, options.Trees / 2), LearningRate = options.LearningRate * 2 });
                var predicted = Score(ml, schema, foldModel, heldOut);
                for (var i = 0; i < heldOut.Length; i++)
                {
                    // A label at the cap is a floor ("at least this much"), not a true RUL: residuals against it measure
                    // the cap, and the many easy early-life rows would make the interval falsely narrow near the cap.
                    if (heldOut[i].Label < options.MaxRul)
                    {
                        residuals[Bin(predicted[i], options.MaxRul)].Add(heldOut[i].Label - predicted[i]);
                    }
                }
            }

            var tail = (1 - options.IntervalCoverage) / 2;
            for (var b = 0; b < IntervalBins; b++)
            {
                lower[b] = Quantile(residuals[b], tail);
                upper[b] = Quantile(residuals[b], 1 - tail);
            }
        }

        return new RulModel(normaliser, ml, schema, models, options, lower, upper);
    }

    /// <summary>Predicts the RUL after the last recorded cycle of <paramref name="history"/>.</summary>
    public RulPrediction Predict(UnitHistory history) => PredictMany([history])[0];

    /// <summary>Predicts the RUL after the last recorded cycle of each history, in one batch.</summary>
    public IReadOnlyList<RulPrediction> PredictMany(IReadOnlyList<UnitHistory> histories)
    {
        var rows = histories
            .Select(h => new RulRow { Features = RulFeatures.AtLastCycle(h, _normaliser) })
            .ToArray();
        var predicted = new double[rows.Length];
        foreach (var model in _models)
        {
            var scores = Score(_ml, _schema, model, rows);
            for (var i = 0; i < predicted.Length; i++)
            {
                predicted[i] += scores[i] / _models.Length;
            }
        }

        return predicted.Select(p =>
        {
            var rul = Math.Clamp(p, 0, _options.MaxRul);
            var bin = Bin(rul, _options.MaxRul);
            return new RulPrediction(rul, Math.Max(0, rul + _lowerResidual[bin]), Math.Max(rul, rul + _upperResidual[bin]));
        }).ToArray();
    }

    private static IEnumerable<RulRow> Rows(UnitHistory run, OperatingConditionNormaliser normaliser, double maxRul)
    {
        var features = RulFeatures.ForEveryCycle(run, normaliser);
        for (var t = 0; t < features.Length; t++)
        {
            yield return new RulRow { Features = features[t], Label = (float)Math.Min(maxRul, run.Length - 1 - t) };
        }
    }

    private static ITransformer Fit(MLContext ml, SchemaDefinition schema, IEnumerable<RulRow> rows, RulModelOptions options)
    {
        var data = ml.Data.LoadFromEnumerable(rows.ToArray(), schema);
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinRowsPerLeaf,
            FeatureFraction = 0.7,
            BaggingSize = 1,
            BaggingExampleFraction = 0.8,
            Shrinkage = 1,
            FeatureFirstUsePenalty = 0,
            Seed = options.Seed,
            LabelColumnName = nameof(RulRow.Label),
            FeatureColumnName = nameof(RulRow.Features),
        });
        return trainer.Fit(data);
    }

    private static double[] Score(MLContext ml, SchemaDefinition schema, ITransformer model, RulRow[] rows)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, schema));
        return scored.GetColumn<float>("Score").Select(s => (double)s).ToArray();
    }

    private static int Bin(double rul, double maxRul) =>
        Math.Clamp((int)(rul / maxRul * IntervalBins), 0, IntervalBins - 1);

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var position = q * (values.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, values.Count - 1);
        return values[low] + (position - low) * (values[high] - values[low]);
    }

    /// <summary>ML.NET's view of one training sample. Public because ML.NET reads it by reflection.</summary>
    public sealed class RulRow
    {
        /// <summary>Target RUL in cycles, capped.</summary>
        public float Label { get; set; }

        /// <summary>The <see cref="RulFeatures"/> vector.</summary>
        public float[] Features { get; set; } = [];
    }
}
