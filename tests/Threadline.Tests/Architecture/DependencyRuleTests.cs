using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using NetArchTest.Rules;

namespace Threadline.Architecture;

/// <summary>
/// The dependency rule of docs/architecture.md, held by the compiled assemblies: features in the order
/// Plm &lt; Assets &lt; Telemetry &lt; Ingestion &lt; Twins &lt; (Demo, Bench), each using another only through its public
/// surface, the shared plumbing naming no feature beyond what is listed here, and a domain without packages.
/// </summary>
public sealed class DependencyRuleTests
{
    private const string Features = "Threadline.Features";

    // Security is at the bottom: every feature declares the role each of its endpoints needs (RolePolicies).
    /// <summary>Lowest first: a feature may use the ones before it, never one after it.</summary>
    private static readonly string[][] Order = [["Security"], ["Plm"], ["Assets"], ["Telemetry"], ["Ingestion"], ["Twins"], ["Demo", "Bench"]];

    /// <summary>
    /// Plumbing that names a feature today, each with why it cannot avoid it yet. Hosting and Cli are the composition
    /// root (they register and map every feature) and are not checked; Api and Storage are.
    /// </summary>
    private static readonly Dictionary<string, string> PlumbingExceptions = new(StringComparer.Ordinal)
    {
        // EF Core's DbSets of every feature's rows; the tables themselves are configured in the features.
        ["Threadline.Storage.ThreadlineDbContext"] = "DbSets of the features' rows",
        ["Threadline.Storage.SqliteThreadlineDbContext"] = "derives from ThreadlineDbContext",
        ["Threadline.Storage.PostgresThreadlineDbContext"] = "derives from ThreadlineDbContext",
        // ExternalAssetException becomes a problem response naming the asset endpoint that would answer it.
        ["Threadline.Api.ProblemMapping"] = "maps the Assets feature's ExternalAssetException",
    };

    private static readonly Assembly Server = typeof(Hosting.ServerHost).Assembly;

    public static TheoryData<string> FeatureNames() => [.. Order.SelectMany(level => level)];

    [Theory]
    [MemberData(nameof(FeatureNames))]
    public void Feature_UsesNoFeatureAboveItOrBesideIt(string feature)
    {
        var level = Array.FindIndex(Order, l => l.Contains(feature));
        var forbidden = Order.Skip(level).SelectMany(l => l).Where(f => f != feature).Select(f => $"{Features}.{f}").ToArray();

        var result = Types.InAssembly(Server).That().ResideInNamespace($"{Features}.{feature}")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{feature} uses a feature at or above its level ({string.Join(", ", forbidden)}): {Failing(result)}");
    }

    [Theory]
    [MemberData(nameof(FeatureNames))]
    public void Feature_UsesOtherFeaturesOnlyThroughTheirPublicSurface(string feature)
    {
        var internals = FeatureTypes().Where(t => !IsIn(t, feature) && IsInternal(t)).Select(t => t.FullName!).ToArray();

        var result = Types.InAssembly(Server).That().ResideInNamespace($"{Features}.{feature}")
            .ShouldNot().HaveDependencyOnAny(internals).GetResult();

        Assert.True(result.IsSuccessful, $"{feature} reaches into another feature's internals (its store, rows or helpers): {Failing(result)}");
    }

    [Theory]
    [InlineData("Threadline.Api")]
    [InlineData("Threadline.Storage")]
    public void Plumbing_NamesNoFeature_BeyondItsListedExceptions(string plumbing)
    {
        var result = Types.InAssembly(Server).That().ResideInNamespace(plumbing)
            // Migrations are generated from the model and name the rows' tables only in strings.
            .And().DoNotResideInNamespace("Threadline.Storage.Migrations")
            .ShouldNot().HaveDependencyOn(Features).GetResult();

        var unexpected = (result.FailingTypeNames ?? []).Where(t => !PlumbingExceptions.ContainsKey(t)).ToList();
        Assert.True(unexpected.Count == 0, $"{plumbing} names a feature: {string.Join(", ", unexpected)}");
    }

    [Fact]
    public void Core_ReferencesNoPackage_AndNoInfrastructureAssembly()
    {
        var core = typeof(Plm.PlmCatalog).Assembly;
        string[] infrastructure = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "MQTTnet", "Orleans", "Microsoft.Orleans", "Microsoft.ML", "Google.Protobuf"];

        var referenced = core.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Threadline.Core", "Threadline.Core.csproj"));

        Assert.DoesNotContain(referenced, name => infrastructure.Any(i => name.StartsWith(i, StringComparison.Ordinal)));
        Assert.All(referenced, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"Threadline.Core references {name}, which is not part of .NET."));
        Assert.DoesNotContain(project.Descendants(), e => e.Name.LocalName is "PackageReference" or "FrameworkReference");
    }

    private static IEnumerable<Type> FeatureTypes() =>
        Server.GetTypes().Where(t => t.Namespace?.StartsWith(Features + ".", StringComparison.Ordinal) == true
            && !t.IsDefined(typeof(CompilerGeneratedAttribute)) && !t.Name.StartsWith('<'));

    private static bool IsIn(Type type, string feature) =>
        type.Namespace == $"{Features}.{feature}" || type.Namespace!.StartsWith($"{Features}.{feature}.", StringComparison.Ordinal);

    /// <summary>
    /// A feature's internals: what it does not make public, and its EF store and rows whatever their modifier
    /// (the store is public only because the feature's service takes it in the constructor the container calls).
    /// </summary>
    private static bool IsInternal(Type type)
    {
        var outermost = type;
        while (outermost.DeclaringType is { } declaring)
        {
            outermost = declaring;
        }
        return !outermost.IsPublic
            || type.Name.EndsWith("Row", StringComparison.Ordinal)
            || type.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(Storage.ThreadlineDb)));
    }

    private static string Failing(TestResult result) => string.Join(", ", result.FailingTypeNames ?? []);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threadline.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Threadline.slnx above {AppContext.BaseDirectory}.");
    }
}
