using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AccountOverlays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing data maps cleanly (ADR 0039), here rather than in Territories because SQLite rebuilds Accounts at the
            // end of that migration: one territory per rep, with the rep's id as its own, holding the
            // rep's accounts; accounts with no owner are in no territory (the queue).
            migrationBuilder.Sql("""
                INSERT INTO "Territories" ("Id", "Name", "RepId", "BaseAddress", "BaseLatitude", "BaseLongitude", "Version")
                SELECT "Id", substr("DisplayName" || '''s territory', 1, 100), "Id", '', NULL, NULL, "Id"
                FROM "AspNetUsers" WHERE "Role" = 'Rep';
                """);
            migrationBuilder.Sql("""
                UPDATE "Accounts" SET "TerritoryId" = "OwnerId" WHERE "OwnerId" IN (SELECT "Id" FROM "Territories");
                """);
            migrationBuilder.Sql("""
                UPDATE "DataVersions" SET "Stamp" = '6D1F3C4E-2A8B-4F0E-9C57-0B3A1E2D4C02' WHERE "Name" = 'accounts';
                """);

            migrationBuilder.CreateTable(
                name: "AccountOverlays",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreditPercent = table.Column<long>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountOverlays", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccountOverlays_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AccountOverlays_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountOverlays_AccountId_RepId",
                table: "AccountOverlays",
                columns: new[] { "AccountId", "RepId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccountOverlays_RepId",
                table: "AccountOverlays",
                column: "RepId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountOverlays");
        }
    }
}
