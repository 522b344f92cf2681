using AgentFactory.Functions.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Hosting;

/// <summary>Registers who may call the factory: function keys or Entra ID tokens, and the <see cref="FactoryPolicies"/>.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>The default scheme: a bearer token when an <c>Authorization: Bearer</c> header is present, else a function key.</summary>
    public const string Scheme = "FunctionKeyOrBearer";

    /// <summary>
    /// Authentication (scheme <see cref="Scheme"/> over <see cref="FunctionKeyAuthenticationHandler.SchemeName"/> and
    /// <see cref="JwtBearerDefaults.AuthenticationScheme"/>), the <see cref="FactoryPolicies"/> with
    /// <see cref="FactoryPolicies.Factory"/> as the fallback, keys in <c>{tablePrefix}ApiKeys</c> on the account of
    /// <paramref name="storage"/>, and the development key. Options bind to <see cref="FactoryAuthOptions.Section"/>.
    /// </summary>
    public static IServiceCollection AddFactorySecurity(this IServiceCollection services, FactoryStorageAccount storage, string tablePrefix = "")
    {
        services.AddOptions<FactoryAuthOptions>().BindConfiguration(FactoryAuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FactoryAuthOptions>, FactoryAuthOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new ApiKeyTable(storage.CreateTableServiceClient(), tablePrefix));
        services.AddSingleton<ApiKeyStore>();
        services.TryAddSingleton(new DevelopmentKeyConsole(Console.Out));
        services.AddHostedService<DevelopmentKey>();
        // "Request starting/finished" name the URL with its query string, where a function key may be (?code=).
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Function key or Entra ID token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.FirstOrDefault()?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true
                    ? JwtBearerDefaults.AuthenticationScheme
                    : FunctionKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, FunctionKeyAuthenticationHandler>(FunctionKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<FactoryAuthOptions>>((jwt, auth) => EntraTokens.Configure(jwt, auth.Value.Entra));

        AuthorizationPolicy factory = Policy(FactoryRoles.All);
        services.AddAuthorizationBuilder()
            .AddPolicy(FactoryPolicies.Factory, factory)
            .AddPolicy(FactoryPolicies.Automation, Policy([FactoryRoles.Automation, FactoryRoles.Ops]))
            .AddPolicy(FactoryPolicies.Ops, Policy([FactoryRoles.Ops]))
            .SetDefaultPolicy(factory)
            .SetFallbackPolicy(factory);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }

    /// <summary>Fails the start naming the setting that is wrong (e.g. "AgentFactory:Auth:Keys:0: Role 'admin' is not one of ...").</summary>
    private sealed class FactoryAuthOptionsValidator : IValidateOptions<FactoryAuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, FactoryAuthOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail($"{FactoryAuthOptions.Section}:{problem}") : ValidateOptionsResult.Success;
    }

    private static AuthorizationPolicy Policy(IEnumerable<string> roles) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireClaim(FactoryClaims.Tenant)
        .RequireRole(roles)
        .Build();
}
