namespace AgentFactory.AgentRuntime.Tests.Support;

/// <summary>Awaits a condition that no event announces (an in-process counter), checking it on a short timer.</summary>
internal static class TestWait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            Assert.True(await timer.WaitForNextTickAsync(cancel.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default), "the condition did not hold in time");
        }
    }
}
