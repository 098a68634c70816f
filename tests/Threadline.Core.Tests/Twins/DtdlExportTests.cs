using System.Text.Json;
using System.Text.RegularExpressions;

namespace Threadline.Twins;

public partial class DtdlExportTests
{
    // DTMI syntax (DTDL v3, DTMI spec): user segments of letters, digits and inner underscores, then ;version.
    [GeneratedRegex("^dtmi:[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*;[1-9][0-9]{0,8}$")]
    private static partial Regex DtmiPattern();

    [GeneratedRegex("^[a-zA-Z](?:[a-zA-Z0-9_]*[a-zA-Z0-9])?$")]
    private static partial Regex NamePattern();

    private static JsonElement Export(TwinModel model, string? assetId = null)
    {
        using var document = JsonDocument.Parse(DtdlExport.Interface(model, assetId));
        return document.RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Contents(JsonElement root) => root.GetProperty("contents").EnumerateArray();

    private static JsonElement Content(JsonElement root, string name) => Contents(root).Single(c => c.GetProperty("name").GetString() == name);

    private static string[] Types(JsonElement content) =>
        content.GetProperty("@type") is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Select(t => t.GetString()!)]
            : [content.GetProperty("@type").GetString()!];

    [Fact]
    public void Interface_RevisionD_IsAV3InterfaceNamedAfterFamilyAndRevision()
    {
        var root = Export(PumpRevisions.ModelD);

        Assert.Equal("dtmi:dtdl:context;3", root.GetProperty("@context")[0].GetString());
        Assert.Equal("dtmi:dtdl:extension:quantitativeTypes;1", root.GetProperty("@context")[1].GetString());
        Assert.Equal("dtmi:threadline:x10_4720_00:revD;1", root.GetProperty("@id").GetString());
        Assert.Equal("Interface", root.GetProperty("@type").GetString());
        Assert.Matches(DtmiPattern(), root.GetProperty("@id").GetString());
    }

    [Fact]
    public void Interface_WithAssetId_AddsAValidAssetSegment()
    {
        var id = Export(PumpRevisions.ModelC, PumpRevisions.AssetC).GetProperty("@id").GetString()!;

        Assert.Equal("dtmi:threadline:x10_4720_00:revC:pump_4720_sn00341_r03;1", id);
        Assert.Matches(DtmiPattern(), id);
        Assert.True(id.Length <= 128);
        Assert.False(id.StartsWith("dtmi:dtdl:", StringComparison.Ordinal));
    }

    [Fact]
    public void Interface_EveryContent_HasRequiredFieldsAndAValidUniqueName()
    {
        var root = Export(PumpRevisions.ModelD, PumpRevisions.AssetD);
        var names = Contents(root).Select(c => c.GetProperty("name").GetString()!).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches(NamePattern(), n));
        Assert.All(names, n => Assert.InRange(n.Length, 1, 512));
        Assert.All(Contents(root), c =>
        {
            Assert.Contains(Types(c)[0], new[] { "Telemetry", "Property" });
            Assert.True(c.TryGetProperty("schema", out _));
            Assert.InRange(c.GetProperty("description").GetString()!.Length, 1, 512);
            Assert.False(c.TryGetProperty("writable", out var writable) && writable.GetBoolean());
        });
        Assert.InRange(root.GetProperty("displayName").GetString()!.Length, 1, 64);
        Assert.InRange(root.GetProperty("description").GetString()!.Length, 1, 512);
    }

    [Fact]
    public void Interface_Signals_AreDoubleTelemetryWithQuantitativeUnitsWhereDtdlHasThem()
    {
        var root = Export(PumpRevisions.ModelD);

        var temperature = Content(root, "bearing_temperature");
        Assert.Equal(["Telemetry", "Temperature"], Types(temperature));
        Assert.Equal("degreeCelsius", temperature.GetProperty("unit").GetString());
        Assert.Equal("double", temperature.GetProperty("schema").GetString());
        Assert.Equal("cubicMetrePerHour", Content(root, "flow").GetProperty("unit").GetString());
        Assert.Equal("revolutionPerMinute", Content(root, "speed").GetProperty("unit").GetString());

        // DTDL's VelocityUnit has no mm/s: plain telemetry, the unit in words.
        var vibration = Content(root, "bearing_vibration_x");
        Assert.Equal(["Telemetry"], Types(vibration));
        Assert.False(vibration.TryGetProperty("unit", out _));
        Assert.Contains("mm/s", vibration.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_SemanticallyTypedContents_HaveNumericSchemas()
    {
        var typed = Contents(Export(PumpRevisions.ModelD)).Where(c => Types(c).Length > 1).ToList();

        Assert.NotEmpty(typed);
        Assert.All(typed, c => Assert.Contains(c.GetProperty("schema").GetString(), new[] { "double", "integer" }));
        Assert.All(typed, c => Assert.True(c.TryGetProperty("unit", out _)));
    }

    [Fact]
    public void Interface_LimitsOfTheRevision_AreReadOnlyProperties()
    {
        var d = Content(Export(PumpRevisions.ModelD), "bearing_vibration_x_warning_max");
        var c = Content(Export(PumpRevisions.ModelC), "bearing_vibration_x_warning_max");

        Assert.Equal("Property", Types(d)[0]);
        Assert.Contains("above 2.8 mm/s", d.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("above 4.5 mm/s", c.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("below 0.8 m", Content(Export(PumpRevisions.ModelD), "inlet_pressure_margin_warning_min").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_DerivedHealthRulAndFailureModes_AreProperties()
    {
        var root = Export(PumpRevisions.ModelD);

        foreach (var name in new[] { "hydraulic_power", "efficiency", "efficiency_vs_curve", "health", "rulDays", "rulLowerDays", "rulUpperDays", "runningHours", "p_bearing_wear" })
        {
            Assert.Equal("Property", Types(Content(root, name))[0]);
        }
        Assert.Equal("kilowatt", Content(root, "hydraulic_power").GetProperty("unit").GetString());
        Assert.Equal("day", Content(root, "rulDays").GetProperty("unit").GetString());
        Assert.Equal("string", Content(root, "alert").GetProperty("schema").GetString());
    }
}
