namespace AgentFactory.Core.Tests.Pricing;

internal static class CostAssert
{
    // The bar: estimates agree with the hand-worked figures within 1 %.
    public static void WithinOnePercent(decimal expected, decimal actual)
    {
        var tolerance = Math.Abs(expected) * 0.01m;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"Expected {expected} ± 1 %, got {actual}.");
    }
}
