using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentFactory.Functions.Tests.Hosting;

internal static class ProblemAssert
{
    /// <summary>Asserts an RFC 7807 response with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    public static Task<T?> ReadAsync<T>(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
