using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ManagerId = table.Column<Guid>(type: "uuid", nullable: true),
                    PotentialTolerance = table.Column<double>(type: "double precision", nullable: false),
                    WorkloadTolerance = table.Column<double>(type: "double precision", nullable: false),
                    Workload = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SegmentWeights = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Compact = table.Column<bool>(type: "boolean", nullable: false),
                    MinimalDisruption = table.Column<bool>(type: "boolean", nullable: false),
                    Centres = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BaseHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Phase = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Percent = table.Column<int>(type: "integer", nullable: false),
                    CancelRequested = table.Column<bool>(type: "boolean", nullable: false),
                    HeartbeatAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Result = table.Column<string>(type: "text", nullable: true),
                    FailureReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AppliedFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
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
                    ScenarioId = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    BaseTerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    Locked = table.Column<bool>(type: "boolean", nullable: false)
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
                    ScenarioId = table.Column<Guid>(type: "uuid", nullable: false),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Locked = table.Column<bool>(type: "boolean", nullable: false)
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
