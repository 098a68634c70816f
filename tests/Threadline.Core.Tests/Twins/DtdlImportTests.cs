using Threadline.Plm;

namespace Threadline.Twins;

public class DtdlImportTests
{
    private static TwinModel Bind(TwinModelDocument document) =>
        TwinModel.For(TwinModels.TwinModelCompiler.Compile(document, "Pump", "x10_4720_00"), PumpRevisions.Pump, PumpRevisions.D);

    [Fact]
    public void ExportImportExport_PumpDocument_GivesTheSameInterface()
    {
        var exported = DtdlExport.Interface(PumpRevisions.ModelD);

        var imported = DtdlImport.Read(exported);
        var again = DtdlExport.Interface(Bind(imported.Document));

        // Failure modes, rules and the RUL rule do not travel in DTDL, so the pump's second export lacks their figures;
        // everything DTDL carries (signals, units, descriptions, derived formulas, limits) comes back the same.
        var withoutModes = DtdlExport.Interface(Bind(new TwinModelDocument
        {
            DisplayName = PumpRevisions.Document.DisplayName, Signals = PumpRevisions.Document.Signals, Derived = PumpRevisions.Document.Derived,
        }));
        Assert.Equal(withoutModes, again);
        Assert.Equal(PumpRevisions.Document.Signals.Select(s => (s.Name, s.Unit, s.Description)), imported.Document.Signals.Select(s => (s.Name, s.Unit, s.Description)));
        Assert.Equal(PumpRevisions.Document.Derived, imported.Document.Derived);
    }

    [Fact]
    public void ExportImportExport_DocumentDtdlCanSay_RoundTripsExactly()
    {
        var document = new TwinModelDocument
        {
            DisplayName = "Pump",
            Signals = PumpRevisions.Document.Signals.Select(s => s with { Deadband = 0, NoiseFloor = 0 }).ToArray(),
            Derived = PumpRevisions.Document.Derived,
        };
        var exported = DtdlExport.Interface(Bind(document));

        var imported = DtdlImport.Read(exported).Document;

        Assert.Equal(document, imported);
        Assert.Equal(exported, DtdlExport.Interface(Bind(imported)));
    }

    [Fact]
    public void Read_PumpExport_ReportsWhatDtdlCannotCarry()
    {
        var notCarried = DtdlImport.Read(DtdlExport.Interface(PumpRevisions.ModelD)).NotCarried;

        Assert.Contains(notCarried, n => n.StartsWith("p_bearing_wear:", StringComparison.Ordinal));
        Assert.Contains(notCarried, n => n.StartsWith("bearing_vibration_x_warning_max:", StringComparison.Ordinal));
        Assert.Contains(notCarried, n => n.StartsWith("health:", StringComparison.Ordinal));
        Assert.Contains(notCarried, n => n.Contains("failure modes", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ForeignInterfaceWithSemanticUnits_TakesItsTelemetry()
    {
        const string Dtdl = """
            {"@context": ["dtmi:dtdl:context;3", "dtmi:dtdl:extension:quantitativeTypes;1"], "@id": "dtmi:acme:fan;1", "@type": "Interface",
             "displayName": {"en": "Fan"},
             "contents": [
               {"@type": ["Telemetry", "Temperature"], "name": "motorTemp", "schema": "double", "unit": "degreeCelsius"},
               {"@type": "Telemetry", "name": "state", "schema": "string"},
               {"@type": "Command", "name": "reboot"}]}
            """;

        var result = DtdlImport.Read(Dtdl);

        Assert.Equal(("motorTemp", "°C"), (Assert.Single(result.Document.Signals).Name, result.Document.Signals[0].Unit));
        Assert.Equal("Fan", result.Document.DisplayName);
        Assert.Contains(result.NotCarried, n => n.StartsWith("state:", StringComparison.Ordinal));
        Assert.Contains(result.NotCarried, n => n.StartsWith("reboot:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"@type": "Interface", "contents": []}""", "dtdl-invalid")]
    [InlineData("""[1, 2]""", "dtdl-invalid")]
    [InlineData("""{"@context": "dtmi:dtdl:context;3", "@type": "Interface", "contents": [{"@type": "Telemetry", "name": "x", "schema": "double"}]}""", "dtdl-unit-missing")]
    [InlineData("""{"@context": """, "dtdl-invalid")]
    public void Read_WhatIsNotAnInterfaceOrSaysNoUnit_IsRefused(string dtdl, string code) =>
        Assert.Equal(code, Assert.Throws<PlmRuleException>(() => DtdlImport.Read(dtdl)).Code);

    [Fact]
    public void ExportImport_DerivedNamedLikeAProbability_AndAnInUnitPhraseInADescription_ComeBack()
    {
        var document = new TwinModelDocument
        {
            Signals = [new("bearing_temperature", "°C", "Bearing temperature, in the drive end. Measured by a PT100")],
            Derived = [new("p_ratio", "ratio", "bearing_temperature / 100", "Share of the alarm point")],
        };

        var imported = DtdlImport.Read(DtdlExport.Interface(Bind(document))).Document;

        Assert.Equal(document.Signals.Select(s => (s.Name, s.Unit, s.Description)), imported.Signals.Select(s => (s.Name, s.Unit, s.Description)));
        Assert.Equal(document.Derived, imported.Derived);
    }
}
