using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>A file of one kind uploaded as another is refused before it is imported, with words that say what it looks like.</summary>
public sealed class FileKindTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Users = "email,name,role";
    private const string Accounts = "external_id,name,industry,potential,owner_email";
    private const string Opportunities = "externalId,lineId,name,account,owner,stage,forecastCategory,amount,currency,probability,closeDate,createdDate,type,product,lossReason";
    private const string Activities = "externalId,owner,type,date,account,held";
    private const string Bookings = "externalId,lineId,owner,account,date,amount,currency,product,opportunity";
    private const string Quotas = "email,name,q1,q2,q3,q4";

    private static string? Mismatch(ImportKind chosen, string header) => FileKinds.Mismatch(chosen, header.Split(','), []);

    public static TheoryData<string, ImportKind, string> WrongKinds => new()
    {
        { Users, ImportKind.Accounts, "users" },
        { Users, ImportKind.Opportunities, "users" },
        { Accounts, ImportKind.Users, "accounts" },
        { Opportunities, ImportKind.Accounts, "opportunities" },
        { Opportunities, ImportKind.Bookings, "opportunities" },
        { Opportunities, ImportKind.Activities, "opportunities" },
        { Activities, ImportKind.Opportunities, "activities" },
        { Activities, ImportKind.Bookings, "activities" },
        { Bookings, ImportKind.Opportunities, "bookings" },
        { Bookings, ImportKind.Activities, "bookings" },
        { Bookings, ImportKind.Accounts, "bookings" },
        { Quotas, ImportKind.Users, "quotas" },
        { Quotas, ImportKind.Accounts, "quotas" },
    };

    [Theory, MemberData(nameof(WrongKinds))]
    public void A_header_of_another_kind_is_named(string header, ImportKind chosen, string looksLike)
    {
        var message = Mismatch(chosen, header);

        var names = header.Split(',');
        var columns = string.Join(", ", names.Take(8)) + (names.Length > 8 ? $" and {names.Length - 8} more" : "");
        var article = "ao".Contains(looksLike[0], StringComparison.Ordinal) ? "an" : "a";

        Assert.NotNull(message);
        Assert.StartsWith($"This looks like {article} {looksLike} file (columns {columns}); you chose {chosen}.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Users, ImportKind.Users)]
    [InlineData(Accounts, ImportKind.Accounts)]
    [InlineData(Opportunities, ImportKind.Opportunities)]
    [InlineData(Activities, ImportKind.Activities)]
    [InlineData(Bookings, ImportKind.Bookings)]
    // A file of the chosen kind with a mistake goes through: the import names the mistake, column by column.
    [InlineData("external_id,name,potential,colour", ImportKind.Accounts)]
    // A file that looks like nothing known is left to the import too.
    [InlineData("a,b,c", ImportKind.Accounts)]
    public void A_header_of_the_chosen_kind_or_of_no_kind_passes(string header, ImportKind chosen) =>
        Assert.Null(Mismatch(chosen, header));

    [Fact]
    public void The_message_is_the_one_people_read()
    {
        Assert.Equal("This looks like a users file (columns email, name, role); you chose Accounts. Choose Users and upload it again.",
            Mismatch(ImportKind.Accounts, Users));
    }

    [Theory, BothDatabases]
    public async Task The_api_refuses_a_users_file_sent_as_accounts_with_422_naming_the_header(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var response = await admin.PostAsync("/api/v1/imports/accounts",
            new StringContent("email,name,role\nx@test.terrain,X,Rep\n", System.Text.Encoding.UTF8, "text/csv"), Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("This looks like a users file (columns email, name, role); you chose Accounts.",
            problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(d => d.ImportJobs.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_page_refuses_it_before_importing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Imports");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("Accounts"), "Kind" },
        };
        var file = new ByteArrayContent("email,name,role\nx@test.terrain,X,Rep\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", "people.csv");

        var response = await browser.PostAsync("/Admin/Imports", form, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var text = new HtmlParser().ParseDocument(html).Body!.TextContent;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This looks like a users file (columns email, name, role); you chose Accounts.", text, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(d => d.ImportJobs.CountAsync(Ct)));
    }
}
