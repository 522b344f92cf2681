using System.Net.Http.Headers;
using System.Text;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Kinds.Api;

/// <summary>
/// Puts the configured credential on a request — only when the request goes to the configured API's origin or to
/// the sandbox's test endpoint. A task may name another base URL, but the secret never follows it there.
/// </summary>
internal sealed class ApiCredentials(ApiAuth auth, string? secret, IReadOnlyList<Uri> trustedOrigins, ILogger logger)
{
    public const string DefaultApiKeyHeader = "X-Api-Key";

    public void Apply(HttpRequestMessage request)
    {
        if (auth.Scheme == ApiAuthScheme.None)
        {
            return;
        }

        var target = request.RequestUri!;
        if (!trustedOrigins.Any(origin => Uri.Compare(origin, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0))
        {
            Log.CredentialWithheld(logger, target.GetLeftPart(UriPartial.Authority));
            return;
        }

        if (string.IsNullOrEmpty(secret))
        {
            // The variable's name is configuration, not a secret: saying which one is missing is what makes this fixable.
            throw new TaskInputException($"The {auth.Scheme} credential variable '{auth.SecretName}' is not set in the agent's environment.");
        }

        switch (auth.Scheme)
        {
            case ApiAuthScheme.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                break;
            case ApiAuthScheme.Basic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
                break;
            case ApiAuthScheme.ApiKey:
                request.Headers.TryAddWithoutValidation(auth.HeaderName ?? DefaultApiKeyHeader, secret);
                break;
        }
    }
}
