using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>The secret store on Azurite, and how submissions lose their secrets and activities get them back.</summary>
public sealed class SecretStoreTests(FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    private TableSecretStore Store(string? key = null) =>
        new(env.Tables, Options.Create(new SecretStoreOptions { Key = key ?? env.SecretKey }), env.Prefix);

    [Fact(Timeout = 30_000)]
    public async Task PutAsync_Value_IsEncryptedAtRestAndReadBack()
    {
        TableSecretStore store = Store();
        string deployment = "dep-" + Guid.NewGuid().ToString("N");
        await store.PutAsync(deployment, "API_TOKEN", new StoredSecret("hunter2-🔑", "v1"));

        StoredSecret read = (await store.GetAsync(deployment, "API_TOKEN"))!;
        Assert.Equal(("hunter2-🔑", "v1"), (read.Value, read.Version));
        Assert.DoesNotContain("hunter2", read.ToString(), StringComparison.Ordinal);
        TableEntity row = await env.SecretsTable.QueryAsync<TableEntity>(e => e.PartitionKey == deployment).SingleAsync();
        byte[] stored = row.GetBinary("Ciphertext")!;
        Assert.False(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes("hunter2")) >= 0);
        Assert.DoesNotContain("API_TOKEN", row.RowKey, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetAsync_RowMovedToAnotherNameOrWrongKey_DoesNotDecrypt()
    {
        TableSecretStore store = Store();
        string deployment = "dep-" + Guid.NewGuid().ToString("N");
        await store.PutAsync(deployment, "A", new StoredSecret("value-a", "v1"));
        await store.PutAsync(deployment, "B", new StoredSecret("value-b", "v1"));
        List<TableEntity> rows = await env.SecretsTable.QueryAsync<TableEntity>(e => e.PartitionKey == deployment).ToListAsync();
        TableEntity a = rows.Single(r => r.RowKey == "v:" + Convert.ToHexStringLower("A"u8));
        TableEntity b = rows.Single(r => r.RowKey == "v:" + Convert.ToHexStringLower("B"u8));
        b["Ciphertext"] = a.GetBinary("Ciphertext");
        await env.SecretsTable.UpdateEntityAsync(b, Azure.ETag.All, TableUpdateMode.Replace);

        await Assert.ThrowsAsync<CryptographicException>(() => store.GetAsync(deployment, "B"));
        await Assert.ThrowsAsync<CryptographicException>(() => Store(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).GetAsync(deployment, "A"));
        Assert.Equal(2, await store.DeleteAllAsync(deployment));
        Assert.Null(await store.GetAsync(deployment, "A"));
        Assert.False(await store.DeleteAsync(deployment, "A"));
    }

    [Fact]
    public void Constructor_KeyMissingOrShort_SaysHowToMakeOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Store(Convert.ToBase64String(new byte[16])));
        Assert.Contains("openssl rand -base64 32", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task StoreAsync_SecretValues_LeaveTheDocumentWhateverItsShape()
    {
        var secrets = new ConfigurationSecrets(Store());
        string deployment = "dep-" + Guid.NewGuid().ToString("N");
        // Well-formed, misspelt, odd types, duplicates: every value of an entry flagged secret goes; plain ones stay.
        JsonElement configuration = JsonDocument.Parse("""
            {"name":"x","Advanced":{"environment":[
              {"name":"TOKEN","value":"s-one","secret":true},
              {"name":"PLAIN","value":"visible"},
              {"Name":"ODD","Value":"s-two","Secret":"yes"},
              {"name":"NUM","value":12345,"secret":true},
              {"name":"DUP","value":"s-three","value":"s-four","secret":true},
              {"name":"OFF","value":"not-secret","secret":false},
              "just a string"
            ]},"settings":{"value":"top-level-value"}}
            """).RootElement;

        SubmittedConfiguration submitted = await secrets.StoreAsync(deployment, configuration, "v1");

        string json = submitted.Json!;
        foreach (string hidden in new[] { "s-one", "s-two", "12345", "s-three", "s-four" })
        {
            Assert.DoesNotContain(hidden, json, StringComparison.Ordinal);
        }

        foreach (string kept in new[] { "visible", "not-secret", "just a string", "top-level-value" })
        {
            Assert.Contains(kept, json, StringComparison.Ordinal);
        }

        Assert.Equal("v1", submitted.SecretsVersion);
        Assert.Equal("s-one", (await Store().GetAsync(deployment, "TOKEN"))!.Value);
        Assert.Equal("s-two", (await Store().GetAsync(deployment, "ODD"))!.Value);
        Assert.Null(await Store().GetAsync(deployment, "NUM"));
    }

    [Fact(Timeout = 30_000)]
    public async Task MergeAsync_KeptSupersededMissing_AsTheSubmissionsSay()
    {
        var secrets = new ConfigurationSecrets(Store());
        string deployment = "dep-" + Guid.NewGuid().ToString("N");
        JsonElement With(string value) => JsonDocument.Parse(
            $$$"""{"advanced":{"environment":[{"name":"A","value":"plain"},{"name":"TOKEN","value":"{{{value}}}","secret":true}]}}""").RootElement;

        SubmittedConfiguration first = await secrets.StoreAsync(deployment, With("first-value"), "v1");
        // A later submission that keeps the value with "***" moves it to its own version.
        SubmittedConfiguration second = await secrets.StoreAsync(deployment, With("***"), "v2");

        MergedConfiguration merged = await secrets.MergeAsync(deployment, second.Json!, second.SecretsVersion, SecretUse.Run);
        Assert.Empty(merged.Problems);
        Assert.Contains("first-value", merged.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("first-value", merged.ToString(), StringComparison.Ordinal);

        MergedConfiguration stale = await secrets.MergeAsync(deployment, first.Json!, first.SecretsVersion, SecretUse.Run);
        ValidationErrorInfo superseded = Assert.Single(stale.Problems);
        Assert.Equal(("/advanced/environment/1/value", ConfigurationSecrets.SupersededCode), (superseded.Pointer, superseded.Code));
        Assert.Null(stale.Json);
        Assert.Contains("first-value", (await secrets.MergeAsync(deployment, first.Json!, first.SecretsVersion, SecretUse.Removal)).Json, StringComparison.Ordinal);

        string other = "dep-" + Guid.NewGuid().ToString("N");
        MergedConfiguration missing = await secrets.MergeAsync(other, second.Json!, "v9", SecretUse.Run);
        Assert.Equal(ConfigurationSecrets.MissingCode, Assert.Single(missing.Problems).Code);
        Assert.NotNull((await secrets.MergeAsync(other, second.Json!, "v9", SecretUse.Removal)).Json);
    }
}

internal static class AsyncPageableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this Azure.AsyncPageable<T> pageable) where T : notnull
    {
        var list = new List<T>();
        await foreach (T item in pageable)
        {
            list.Add(item);
        }

        return list;
    }

    public static async Task<T> SingleAsync<T>(this Azure.AsyncPageable<T> pageable) where T : notnull => (await pageable.ToListAsync()).Single();
}
