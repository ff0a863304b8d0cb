using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;

namespace Terrain.Features.Imports;

/// <summary>
/// The set-based save of an opportunities import (ADR 0026). The checked deals are streamed, as they are read, into a
/// temporary table of the import's own connection (a prepared INSERT on SQLite, binary COPY on PostgreSQL), outside the
/// import's transaction; <see cref="MergeAsync"/> then applies them with a handful of statements inside it. Nothing of
/// the file is held in memory, and a process killed at any point leaves the real tables as they were: the staging
/// table dies with its connection.
/// </summary>
internal abstract class DealStage : IAsyncDisposable
{
    protected const string Table = "terrain_deal_stage";
    private const string Rejected = "terrain_deal_rejected";
    private const string Gone = "terrain_deal_gone";

    protected static readonly string[] Columns =
    [
        "line", "id", "change_id", "external_id", "line_id", "name", "account_id", "account_name", "owner_id", "stage", "outcome", "forecast",
        "amount", "currency", "original_amount", "probability", "close_date", "created_date", "created_known", "type", "product_id",
        "product_name", "loss_reason",
    ];

    private readonly AppDbContext _db;

    protected DealStage(AppDbContext db) => _db = db;

    /// <summary>Rows staged so far.</summary>
    public int Count { get; private set; }

    protected DbConnection Connection => _db.Database.GetDbConnection();

    /// <summary>Opens the import's connection (kept open until disposed) and creates the empty staging table on it.</summary>
    public static async Task<DealStage> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        DealStage stage = db.Database.ProviderName == AppDbContext.SqliteProvider ? new SqliteDealStage(db) : new PostgresDealStage(db);
        try
        {
            await stage.ExecuteAsync($"DROP TABLE IF EXISTS {Table}; DROP TABLE IF EXISTS {Rejected}; DROP TABLE IF EXISTS {Gone};", ct);
            await stage.ExecuteAsync(stage.CreateSql(), ct);
            await stage.BeginAsync(ct);
            return stage;
        }
        catch
        {
            await stage.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages one checked deal: its new id and change id are used if it turns out new or changed.</summary>
    public void Add(int line, DealFacts facts, bool createdKnown, Guid id, Guid changeId)
    {
        Write(line, facts, createdKnown, id, changeId);
        Count++;
    }

    protected abstract string CreateSql();

    protected abstract Task BeginAsync(CancellationToken ct);

    protected abstract void Write(int line, DealFacts facts, bool createdKnown, Guid id, Guid changeId);

    /// <summary>Ends the streaming of rows; the staged rows are then indexed by key.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await EndAsync(ct);
        await ExecuteAsync($"CREATE UNIQUE INDEX {Table}_key ON {Table} (external_id, line_id)", ct);
        if (Analyze() is { } analyze)
        {
            await ExecuteAsync(analyze, ct);
        }
    }

    protected abstract Task EndAsync(CancellationToken ct);

    /// <summary>Statistics for the planner where it needs them; null where it does not.</summary>
    protected abstract string? Analyze();

    /// <summary>A null-safe "differs" between two columns.</summary>
    protected abstract string Differs(string a, string b);

    /// <summary>An expression giving a new, random id in the database's representation of a Guid.</summary>
    protected abstract string NewId { get; }

    /// <summary>How a value is sent to the database as a parameter.</summary>
    protected abstract object Value(Guid id);

    protected abstract object Value(DateTimeOffset at);

    public abstract ValueTask DisposeAsync();

    protected async Task DropAsync()
    {
        try
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {Table}; DROP TABLE IF EXISTS {Rejected}; DROP TABLE IF EXISTS {Gone};", CancellationToken.None);
        }
        catch (DbException)
        {
            // A broken connection took its temporary tables with it.
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>What the merge did: the counts of the report, and the rows it refused.</summary>
    public sealed record Merged(int Created, int Updated, int Unchanged, int Deleted, List<ImportIssue> Issues);

    /// <summary>
    /// Applies the staged deals inside the current transaction: new deals inserted, changed ones updated (every column
    /// compared), a change row written for each new, changed or deleted deal with the previous change ended, and, for a
    /// full extract, the deals missing from it marked deleted (except those whose rows were rejected). A deal read
    /// without a created date keeps the one it has. Returns without writing anything to the real tables when a row
    /// fails its checks against the stored deal and the import is all or nothing.
    /// </summary>
    public async Task<Merged> MergeAsync(bool partial, bool full, IReadOnlyCollection<string> rejectedIds, Guid importId, DateTimeOffset now,
        string closeDateColumn, CancellationToken ct)
    {
        var parameters = new Dictionary<string, object> { ["@import"] = Value(importId), ["@now"] = Value(now) };
        var changedSql = string.Join(" OR ",
            new[] { "Name", "AccountId", "AccountName", "OwnerId", "Stage", "Outcome", "Forecast", "Amount", "Currency", "OriginalAmount", "Probability", "CloseDate", "Type", "ProductId", "ProductName", "LossReason" }
                .Select(c => Differs($"o.\"{c}\"", $"s.{Snake(c)}"))
                .Append(Differs("o.\"CreatedDate\"", "CASE WHEN s.created_known THEN s.created_date ELSE o.\"CreatedDate\" END")));

        // Each staged row finds its deal; a row without a created date keeps the deal's.
        await ExecuteAsync($"""
            UPDATE {Table} AS s SET deal_id = o."Id",
                created_date = CASE WHEN s.created_known THEN s.created_date ELSE o."CreatedDate" END,
                changed = (o."Deleted" OR {changedSql})
            FROM "Opportunities" AS o
            WHERE o."ExternalId" = s.external_id AND o."LineId" = s.line_id
            """, ct);

        var issues = new List<ImportIssue>();
        const string badDates = "s.deal_id IS NOT NULL AND NOT s.created_known AND s.outcome <> 'Open' AND s.created_date > s.close_date";
        await using (var reader = await QueryAsync($"SELECT s.line, s.close_date, s.created_date FROM {Table} AS s WHERE {badDates} ORDER BY s.line", ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var close = DateOf(reader, 1);
                var createdOn = DateOf(reader, 2);
                issues.Add(new ImportIssue(reader.GetInt32(0), closeDateColumn,
                    $"The deal closed on {close:yyyy-MM-dd}, before it was created ({createdOn:yyyy-MM-dd})."));
            }
        }

        if (issues.Count > 0)
        {
            if (!partial)
            {
                return new Merged(0, 0, 0, 0, issues);
            }

            await ExecuteAsync($"UPDATE {Table} AS s SET skip = TRUE WHERE {badDates}", ct);
        }

        int created, updated, unchanged;
        await using (var reader = await QueryAsync($"""
            SELECT COALESCE(SUM(CASE WHEN deal_id IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN deal_id IS NOT NULL AND NOT skip AND changed THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN deal_id IS NOT NULL AND NOT skip AND NOT changed THEN 1 ELSE 0 END), 0)
            FROM {Table}
            """, ct))
        {
            await reader.ReadAsync(ct);
            (created, updated, unchanged) = (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture));
        }

        var deleted = 0;
        if (full)
        {
            await ExecuteAsync($"CREATE TEMP TABLE {Rejected} (external_id TEXT PRIMARY KEY)", ct);
            foreach (var chunk in rejectedIds.Chunk(500))
            {
                var names = chunk.Select((_, i) => $"@r{i}").ToList();
                await ExecuteAsync($"INSERT INTO {Rejected} (external_id) VALUES {string.Join(", ", names.Select(n => $"({n})"))} ON CONFLICT DO NOTHING",
                    chunk.Select((id, i) => KeyValuePair.Create($"@r{i}", (object)id)), ct);
            }

            // A deal whose row was rejected is still in the CRM: only deals missing from the file are deleted.
            await ExecuteAsync($"""
                CREATE TEMP TABLE {Gone} AS
                SELECT o."Id" AS id FROM "Opportunities" AS o
                WHERE NOT o."Deleted"
                  AND NOT EXISTS (SELECT 1 FROM {Table} AS s WHERE s.external_id = o."ExternalId" AND s.line_id = o."LineId")
                  AND NOT EXISTS (SELECT 1 FROM {Rejected} AS r WHERE r.external_id = o."ExternalId")
                """, ct);
            deleted = Convert.ToInt32(await ScalarAsync($"SELECT COUNT(*) FROM {Gone}", ct), CultureInfo.InvariantCulture);
            if (deleted > 0)
            {
                await ExecuteAsync($"""UPDATE "OpportunityChanges" SET "ValidTo" = @now WHERE "ValidTo" IS NULL AND "OpportunityId" IN (SELECT id FROM {Gone})""", parameters, ct);
                await ExecuteAsync($"""UPDATE "Opportunities" SET "Deleted" = TRUE, "LastImportId" = @import, "UpdatedAt" = @now WHERE "Id" IN (SELECT id FROM {Gone})""", parameters, ct);
                await ExecuteAsync($"""
                    INSERT INTO "OpportunityChanges" ("Id", "OpportunityId", "ImportId", "ValidFrom", "ValidTo", "OwnerId", "Stage", "Outcome", "Forecast", "Amount", "CloseDate", "Deleted")
                    SELECT {NewId}, o."Id", @import, @now, NULL, o."OwnerId", o."Stage", o."Outcome", o."Forecast", o."Amount", o."CloseDate", TRUE
                    FROM "Opportunities" AS o WHERE o."Id" IN (SELECT id FROM {Gone})
                    """, parameters, ct);
            }
        }

        if (updated > 0)
        {
            await ExecuteAsync($"""
                UPDATE "OpportunityChanges" SET "ValidTo" = @now
                WHERE "ValidTo" IS NULL AND "OpportunityId" IN (SELECT deal_id FROM {Table} WHERE changed AND NOT skip)
                """, parameters, ct);
            await ExecuteAsync($"""
                UPDATE "Opportunities" AS o SET "Name" = s.name, "AccountId" = s.account_id, "AccountName" = s.account_name, "OwnerId" = s.owner_id,
                    "Stage" = s.stage, "Outcome" = s.outcome, "Forecast" = s.forecast, "Amount" = s.amount, "Currency" = s.currency,
                    "OriginalAmount" = s.original_amount, "Probability" = s.probability, "CloseDate" = s.close_date, "CreatedDate" = s.created_date,
                    "Type" = s.type, "ProductId" = s.product_id, "ProductName" = s.product_name, "LossReason" = s.loss_reason,
                    "Deleted" = FALSE, "LastImportId" = @import, "UpdatedAt" = @now
                FROM {Table} AS s
                WHERE s.changed AND NOT s.skip AND o."Id" = s.deal_id
                """, parameters, ct);
        }

        if (created > 0)
        {
            await ExecuteAsync($"""
                INSERT INTO "Opportunities" ("Id", "ExternalId", "LineId", "Name", "AccountId", "AccountName", "OwnerId", "Stage", "Outcome", "Forecast",
                    "Amount", "Currency", "OriginalAmount", "Probability", "CloseDate", "CreatedDate", "Type", "ProductId", "ProductName", "LossReason",
                    "Deleted", "LastImportId", "UpdatedAt")
                SELECT s.id, s.external_id, s.line_id, s.name, s.account_id, s.account_name, s.owner_id, s.stage, s.outcome, s.forecast,
                    s.amount, s.currency, s.original_amount, s.probability, s.close_date, s.created_date, s.type, s.product_id, s.product_name, s.loss_reason,
                    FALSE, @import, @now
                FROM {Table} AS s WHERE s.deal_id IS NULL
                """, parameters, ct);
        }

        if (created + updated > 0)
        {
            await ExecuteAsync($"""
                INSERT INTO "OpportunityChanges" ("Id", "OpportunityId", "ImportId", "ValidFrom", "ValidTo", "OwnerId", "Stage", "Outcome", "Forecast", "Amount", "CloseDate", "Deleted")
                SELECT s.change_id, COALESCE(s.deal_id, s.id), @import, @now, NULL, s.owner_id, s.stage, s.outcome, s.forecast, s.amount, s.close_date, FALSE
                FROM {Table} AS s WHERE s.deal_id IS NULL OR (s.changed AND NOT s.skip)
                """, parameters, ct);
        }

        return new Merged(created, updated, unchanged, deleted, issues);
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    protected abstract DateOnly DateOf(DbDataReader reader, int ordinal);

    private DbCommand Command(string sql, IEnumerable<KeyValuePair<string, object>>? parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters ?? [])
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected Task ExecuteAsync(string sql, CancellationToken ct) => ExecuteAsync(sql, [], ct);

    private async Task ExecuteAsync(string sql, IEnumerable<KeyValuePair<string, object>> parameters, CancellationToken ct)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var command = Command(sql, null);
        return await command.ExecuteScalarAsync(ct);
    }

    private async Task<DbDataReader> QueryAsync(string sql, CancellationToken ct)
    {
        var command = Command(sql, null);
        return await command.ExecuteReaderAsync(CommandBehavior.Default, ct);
    }

    /// <summary>SQLite: a prepared INSERT into a temporary table, in a transaction of the temporary database only.</summary>
    private sealed class SqliteDealStage(AppDbContext db) : DealStage(db)
    {
        private static readonly DateTimeOffsetToBinaryConverter Instants = new();
        private SqliteTransaction? _transaction;
        private SqliteCommand? _insert;
        private SqliteParameter[] _values = [];

        protected override string CreateSql() => $"""
            CREATE TEMP TABLE {Table} (
                line INTEGER NOT NULL, id TEXT NOT NULL, change_id TEXT NOT NULL, external_id TEXT NOT NULL, line_id TEXT NOT NULL, name TEXT NOT NULL,
                account_id TEXT, account_name TEXT NOT NULL, owner_id TEXT NOT NULL, stage TEXT NOT NULL, outcome TEXT NOT NULL, forecast TEXT NOT NULL,
                amount INTEGER NOT NULL, currency TEXT NOT NULL, original_amount INTEGER NOT NULL, probability INTEGER, close_date TEXT NOT NULL,
                created_date TEXT NOT NULL, created_known INTEGER NOT NULL, type TEXT, product_id TEXT, product_name TEXT, loss_reason TEXT,
                deal_id TEXT, changed INTEGER NOT NULL DEFAULT 0, skip INTEGER NOT NULL DEFAULT 0)
            """;

        protected override Task BeginAsync(CancellationToken ct)
        {
            var connection = (SqliteConnection)Connection;
            // Deferred: the rows go to the temporary database only, so the main database is not locked while the file is read.
            _transaction = connection.BeginTransaction(deferred: true);
            _insert = connection.CreateCommand();
            _insert.Transaction = _transaction;
            _insert.CommandText = $"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"@p{i}"))})";
            _values = [.. Columns.Select((_, i) => _insert.Parameters.Add(new SqliteParameter($"@p{i}", null)))];
            _insert.Prepare();
            return Task.CompletedTask;
        }

        protected override void Write(int line, DealFacts f, bool createdKnown, Guid id, Guid changeId)
        {
            var v = _values;
            v[0].Value = line;
            v[1].Value = Text(id);
            v[2].Value = Text(changeId);
            v[3].Value = f.ExternalId;
            v[4].Value = f.LineId;
            v[5].Value = f.Name;
            v[6].Value = f.AccountId is { } account ? Text(account) : DBNull.Value;
            v[7].Value = f.AccountName;
            v[8].Value = Text(f.OwnerId);
            v[9].Value = f.Stage;
            v[10].Value = f.Outcome.ToString();
            v[11].Value = f.Forecast.ToString();
            v[12].Value = Money.ToCents(f.Amount);
            v[13].Value = f.Currency;
            v[14].Value = Money.ToCents(f.OriginalAmount);
            v[15].Value = f.Probability is { } p ? p : DBNull.Value;
            v[16].Value = Date(f.CloseDate);
            v[17].Value = Date(f.CreatedDate);
            v[18].Value = createdKnown ? 1 : 0;
            v[19].Value = f.Type is { } type ? type.ToString() : DBNull.Value;
            v[20].Value = (object?)f.ProductId ?? DBNull.Value;
            v[21].Value = (object?)f.ProductName ?? DBNull.Value;
            v[22].Value = (object?)f.LossReason ?? DBNull.Value;
            _insert!.ExecuteNonQuery();
        }

        private static string Text(Guid id) => id.ToString().ToUpperInvariant();

        private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        protected override async Task EndAsync(CancellationToken ct)
        {
            if (_transaction is not null)
            {
                await _transaction.CommitAsync(ct);
                await _transaction.DisposeAsync();
                _transaction = null;
            }

            if (_insert is not null)
            {
                await _insert.DisposeAsync();
                _insert = null;
            }
        }

        // The merge looks each staged row up by the deals' unique key: no statistics needed.
        protected override string? Analyze() => null;

        protected override string Differs(string a, string b) => $"{a} IS NOT {b}";

        // A random (version 4) id as EF Core stores a Guid on SQLite: upper-case text.
        protected override string NewId =>
            "(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' "
            + "|| substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

        protected override object Value(Guid id) => Text(id);

        protected override object Value(DateTimeOffset at) => Instants.ConvertToProvider(at)!;

        protected override DateOnly DateOf(DbDataReader reader, int ordinal) =>
            DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture);

        public override async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.RollbackAsync();
                await _transaction.DisposeAsync();
                _transaction = null;
            }

            if (_insert is not null)
            {
                await _insert.DisposeAsync();
                _insert = null;
            }

            await DropAsync();
        }
    }

    /// <summary>PostgreSQL: binary COPY into a temporary table (not logged), open while the file is read.</summary>
    private sealed class PostgresDealStage(AppDbContext db) : DealStage(db)
    {
        private NpgsqlBinaryImporter? _copy;

        protected override string CreateSql() => $"""
            CREATE TEMP TABLE {Table} (
                line integer NOT NULL, id uuid NOT NULL, change_id uuid NOT NULL, external_id text NOT NULL, line_id text NOT NULL, name text NOT NULL,
                account_id uuid, account_name text NOT NULL, owner_id uuid NOT NULL, stage text NOT NULL, outcome text NOT NULL, forecast text NOT NULL,
                amount bigint NOT NULL, currency text NOT NULL, original_amount bigint NOT NULL, probability integer, close_date date NOT NULL,
                created_date date NOT NULL, created_known boolean NOT NULL, type text, product_id text, product_name text, loss_reason text,
                deal_id uuid, changed boolean NOT NULL DEFAULT FALSE, skip boolean NOT NULL DEFAULT FALSE)
            """;

        protected override async Task BeginAsync(CancellationToken ct) =>
            _copy = await ((NpgsqlConnection)Connection).BeginBinaryImportAsync($"COPY {Table} ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)", ct);

        protected override void Write(int line, DealFacts f, bool createdKnown, Guid id, Guid changeId)
        {
            var copy = _copy!;
            copy.StartRow();
            copy.Write(line, NpgsqlDbType.Integer);
            copy.Write(id, NpgsqlDbType.Uuid);
            copy.Write(changeId, NpgsqlDbType.Uuid);
            copy.Write(f.ExternalId, NpgsqlDbType.Text);
            copy.Write(f.LineId, NpgsqlDbType.Text);
            copy.Write(f.Name, NpgsqlDbType.Text);
            Nullable(copy, f.AccountId, NpgsqlDbType.Uuid);
            copy.Write(f.AccountName, NpgsqlDbType.Text);
            copy.Write(f.OwnerId, NpgsqlDbType.Uuid);
            copy.Write(f.Stage, NpgsqlDbType.Text);
            copy.Write(f.Outcome.ToString(), NpgsqlDbType.Text);
            copy.Write(f.Forecast.ToString(), NpgsqlDbType.Text);
            copy.Write(Money.ToCents(f.Amount), NpgsqlDbType.Bigint);
            copy.Write(f.Currency, NpgsqlDbType.Text);
            copy.Write(Money.ToCents(f.OriginalAmount), NpgsqlDbType.Bigint);
            Nullable(copy, f.Probability, NpgsqlDbType.Integer);
            copy.Write(f.CloseDate, NpgsqlDbType.Date);
            copy.Write(f.CreatedDate, NpgsqlDbType.Date);
            copy.Write(createdKnown, NpgsqlDbType.Boolean);
            Text(copy, f.Type?.ToString());
            Text(copy, f.ProductId);
            Text(copy, f.ProductName);
            Text(copy, f.LossReason);
        }

        private static void Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
            where T : struct
        {
            if (value is { } v)
            {
                copy.Write(v, type);
            }
            else
            {
                copy.WriteNull();
            }
        }

        private static void Text(NpgsqlBinaryImporter copy, string? value)
        {
            if (value is null)
            {
                copy.WriteNull();
            }
            else
            {
                copy.Write(value, NpgsqlDbType.Text);
            }
        }

        protected override async Task EndAsync(CancellationToken ct)
        {
            if (_copy is not null)
            {
                await _copy.CompleteAsync(ct);
                await _copy.DisposeAsync();
                _copy = null;
            }
        }

        // Autovacuum never analyses a temporary table; without statistics the planner guesses a thousand rows.
        protected override string? Analyze() => $"ANALYZE {Table}";

        protected override string Differs(string a, string b) => $"{a} IS DISTINCT FROM {b}";

        protected override string NewId => "gen_random_uuid()";

        protected override object Value(Guid id) => id;

        protected override object Value(DateTimeOffset at) => at.ToUniversalTime();

        protected override DateOnly DateOf(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

        public override async ValueTask DisposeAsync()
        {
            if (_copy is not null)
            {
                // Disposing an import that was not completed cancels the COPY: nothing of it stays.
                try
                {
                    await _copy.DisposeAsync();
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    // The connection broke; its temporary table is gone with it.
                }

                _copy = null;
            }

            await DropAsync();
        }
    }
}
