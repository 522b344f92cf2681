using Microsoft.Playwright;

namespace AgentFactory.Functions.Tests.Web;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/test.sh) driven by Playwright, headless. Playwright's
/// own browser download is never used; the flags are the ones known to work on these machines.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where the pages' screenshots go: TestResults/screenshots under the repository.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs the Debian package 'chromium'.");
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.CloseAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh page (own session storage) that records its console errors ("console: …") and uncaught exceptions ("uncaught: …").</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync(Uri baseAddress)
    {
        IBrowserContext context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add("console: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add("uncaught: " + error);
            }
        };
        return (page, errors);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentFactory.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
