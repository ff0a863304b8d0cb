using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TerritoryScenarios : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TerritoryScenarios",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ManagerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PotentialTolerance = table.Column<double>(type: "REAL", nullable: false),
                    WorkloadTolerance = table.Column<double>(type: "REAL", nullable: false),
                    Workload = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SegmentWeights = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Compact = table.Column<bool>(type: "INTEGER", nullable: false),
                    MinimalDisruption = table.Column<bool>(type: "INTEGER", nullable: false),
                    Centres = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BaseHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BasedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Percent = table.Column<int>(type: "INTEGER", nullable: false),
                    CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    HeartbeatAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Result = table.Column<string>(type: "TEXT", nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AppliedFrom = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TerritoryScenarios", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TerritoryScenarios_AspNetUsers_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TerritoryScenarios_AspNetUsers_ManagerId",
                        column: x => x.ManagerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioAssignments",
                columns: table => new
                {
                    ScenarioId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaseTerritoryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TerritoryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Locked = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioAssignments", x => new { x.ScenarioId, x.AccountId });
                    table.ForeignKey(
                        name: "FK_ScenarioAssignments_TerritoryScenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "TerritoryScenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioTerritories",
                columns: table => new
                {
                    ScenarioId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TerritoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Locked = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioTerritories", x => new { x.ScenarioId, x.TerritoryId });
                    table.ForeignKey(
                        name: "FK_ScenarioTerritories_TerritoryScenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "TerritoryScenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioAssignments_AccountId",
                table: "ScenarioAssignments",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_TerritoryScenarios_CreatedAt",
                table: "TerritoryScenarios",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_TerritoryScenarios_CreatedById",
                table: "TerritoryScenarios",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_TerritoryScenarios_ManagerId",
                table: "TerritoryScenarios",
                column: "ManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_TerritoryScenarios_Status",
                table: "TerritoryScenarios",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScenarioAssignments");

            migrationBuilder.DropTable(
                name: "ScenarioTerritories");

            migrationBuilder.DropTable(
                name: "TerritoryScenarios");
        }
    }
}
