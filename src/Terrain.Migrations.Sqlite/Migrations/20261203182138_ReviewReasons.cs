using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReviewReasons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReviewReasons",
                columns: table => new
                {
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GoalKey = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ManagerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CompletedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewReasons", x => new { x.ReviewId, x.GoalKey });
                    table.ForeignKey(
                        name: "FK_ReviewReasons_Reviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "Reviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewReasons_CycleId_Category",
                table: "ReviewReasons",
                columns: new[] { "CycleId", "Category" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewReasons_CycleId_ManagerId_Category",
                table: "ReviewReasons",
                columns: new[] { "CycleId", "ManagerId", "Category" });

            // The reasons of the reviews completed so far, from their JSON (ADR 0051); the application writes them from now on.
            migrationBuilder.Sql("""
                INSERT INTO "ReviewReasons" ("ReviewId", "GoalKey", "CycleId", "RepId", "ManagerId", "CompletedOn", "Category")
                SELECT r."Id", json_extract(j.value, '$.goalKey'), r."CycleId", r."RepId", r."ManagerId", r."CompletedOn", json_extract(j.value, '$.category')
                FROM "Reviews" AS r, json_each(r."Variances") AS j
                WHERE r."CompletedOn" IS NOT NULL AND r."Variances" <> '[]';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReviewReasons");
        }
    }
}
