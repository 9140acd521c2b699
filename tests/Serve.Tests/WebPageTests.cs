using System.Globalization;
using System.Net;
using Microsoft.Playwright;

namespace Apdb.Serve.Tests;

[Collection(ServeCollection.Name)]
public sealed class WebPageTests
{
    private readonly ServeFixture _serve;

    public WebPageTests(ServeFixture serve)
    {
        _serve = serve;
    }

    [PeerFact(Peers.Chromium)]
    public async Task In_a_browser_a_cone_search_leads_to_an_objects_light_curve_drawn_per_band()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Peers.ChromiumPath, Headless = true });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_serve.Host.Address.ToString());
        await page.FillAsync("#ra", "60.0");
        await page.FillAsync("#dec", "-62.0");
        await page.FillAsync("#radius", "0.05");
        await page.ClickAsync("#search");
        await page.WaitForSelectorAsync("#objects tbody tr");

        var expected = await _serve.ScalarsAsync("SELECT count(*) FROM dia_objects_in_cone(60.0, -62.0, 0.05)");
        Assert.Equal((int)expected[0], await page.Locator("#objects tbody tr").CountAsync());

        // Sorting by nDiaSources (descending on the second click) puts the best-observed object first.
        await page.ClickAsync("#objects th:nth-child(4)");
        await page.ClickAsync("#objects th:nth-child(4)");
        var counts = await page.Locator("#objects tbody tr td:nth-child(4)").AllTextContentsAsync();
        var numbers = counts.Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.OrderByDescending(n => n), numbers);

        await page.Locator("#objects tbody tr a").First.ClickAsync();
        await page.WaitForSelectorAsync("svg.lightcurve");
        var id = long.Parse(page.Url.Split('/')[^1], CultureInfo.InvariantCulture);
        var sources = (await _serve.ScalarsAsync($"SELECT count(*) FROM \"DiaSource\" WHERE \"diaObjectId\" = {id}"))[0];
        var forced = (await _serve.ScalarsAsync($"SELECT count(*) FROM \"DiaForcedSource\" WHERE \"diaObjectId\" = {id}"))[0];
        Assert.True(sources >= 2);
        Assert.Equal(sources, await page.Locator("svg.lightcurve circle.source").CountAsync());
        Assert.Equal(forced, await page.Locator("svg.lightcurve circle.forced").CountAsync());
        Assert.Equal(sources + forced, await page.Locator("svg.lightcurve line.errorbar").CountAsync());
        var box = await page.Locator("svg.lightcurve").First.BoundingBoxAsync();
        Assert.True(box is { Width: > 100, Height: > 100 }, "the light curve is not laid out on the page");
        var versions = (await _serve.ScalarsAsync($"SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = {id}"))[0];
        Assert.Equal(versions, await page.Locator("#versions tbody tr").CountAsync());
    }

    [Fact]
    public async Task The_report_page_shows_the_latest_runs_stages_and_association()
    {
        var html = await _serve.Http.GetStringAsync("report");
        Assert.Contains("<td>associate</td><td>0.25</td><td>4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th>purity</th><td>0.998</td>", html, StringComparison.Ordinal);
        using var escape = await _serve.Http.GetAsync("report/..%2Frun.json");
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
    }

    [Fact]
    public async Task A_bad_cone_on_the_page_says_what_is_wrong()
    {
        using var response = await _serve.Http.GetAsync("?ra=60&dec=-95&radius=0.1");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("-95", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
