using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Reviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReviewCadences",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Cadence = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SetById = table.Column<Guid>(type: "TEXT", nullable: false),
                    SetAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewCadences", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewCadences_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewCadences_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Reviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ManagerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Cadence = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    WindowEnd = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ScheduledOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Moved = table.Column<bool>(type: "INTEGER", nullable: false),
                    Agenda = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    SharedNotes = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    SelfAssessment = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    CoachingNotes = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    RepCommit = table.Column<long>(type: "INTEGER", nullable: true),
                    RepBestCase = table.Column<long>(type: "INTEGER", nullable: true),
                    RepCallNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ManagerCommit = table.Column<long>(type: "INTEGER", nullable: true),
                    ManagerBestCase = table.Column<long>(type: "INTEGER", nullable: true),
                    ManagerCallNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Variances = table.Column<string>(type: "TEXT", nullable: false),
                    NoActionReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NoActionSignedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    NoActionSignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Snapshot = table.Column<string>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    CompletedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Reviews_AspNetUsers_ManagerId",
                        column: x => x.ManagerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Reviews_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Reviews_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Reviews_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CorrectiveActions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ManagerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    What = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Due = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    GoalKey = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    ClaimMetric = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ClaimFilter = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    ClaimFilterId = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    ClaimAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClaimBy = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClaimOutcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ClaimActual = table.Column<long>(type: "INTEGER", nullable: true),
                    ClaimCheckedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DropReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    RepConfirmedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    RepConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ManagerConfirmedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    ManagerConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CorrectiveActions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CorrectiveActions_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CorrectiveActions_Reviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "Reviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_ClaimOutcome_ClaimBy",
                table: "CorrectiveActions",
                columns: new[] { "ClaimOutcome", "ClaimBy" });

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_OwnerId_Status",
                table: "CorrectiveActions",
                columns: new[] { "OwnerId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_RepId_Status",
                table: "CorrectiveActions",
                columns: new[] { "RepId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_ReviewId",
                table: "CorrectiveActions",
                column: "ReviewId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewCadences_CycleId_RepId",
                table: "ReviewCadences",
                columns: new[] { "CycleId", "RepId" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewCadences_RepId",
                table: "ReviewCadences",
                column: "RepId");

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_CycleId_RepId_WindowStart",
                table: "Reviews",
                columns: new[] { "CycleId", "RepId", "WindowStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_ManagerId_ScheduledOn",
                table: "Reviews",
                columns: new[] { "ManagerId", "ScheduledOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_PlanId",
                table: "Reviews",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_RepId_ScheduledOn",
                table: "Reviews",
                columns: new[] { "RepId", "ScheduledOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CorrectiveActions");

            migrationBuilder.DropTable(
                name: "ReviewCadences");

            migrationBuilder.DropTable(
                name: "Reviews");
        }
    }
}
