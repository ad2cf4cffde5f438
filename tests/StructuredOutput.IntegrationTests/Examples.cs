namespace StructuredOutput.IntegrationTests;

/// <summary>Inputs and answers the wire tests of every provider share: a person and a shipment, good and flawed.</summary>
internal static class Examples
{
    public const string AdaText = "Ada Lovelace, 36, can be reached at ada@example.org.";
    public const string GoodAda = """{"name":"Ada Lovelace","age":36,"email":"ada@example.org"}""";
    public const string AgeAsWord = """{"name":"Ada Lovelace","age":"thirty-six","email":"ada@example.org"}""";

    /// <summary>A <see cref="Person"/> answer cut off in the middle of a property name.</summary>
    public const string CutAda = """{"name":"Ada Lovelace","age":36,"em""";

    public const string ShipmentText = "Shipment S-1, 12.5 kg with Acme Freight, stopping in Lyon on 2026-03-02.";
    public const string GoodShipment = """{"id":"S-1","weight":12.5,"carrier":"Acme Freight","stops":[{"city":"Lyon","day":"2026-03-02"}],"note":null,"parcels":null}""";

    /// <summary>A <see cref="Shipment"/> whose carrier is longer than its 20 characters (a limit strict mode does not enforce).</summary>
    public const string LongCarrierShipment = """{"id":"S-1","weight":12.5,"carrier":"Acme Freight International Logistics","stops":[{"city":"Lyon","day":"2026-03-02"}],"note":null,"parcels":null}""";
}
