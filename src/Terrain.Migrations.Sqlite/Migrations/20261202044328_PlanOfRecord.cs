using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PlanOfRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Recorded",
                table: "PlanSnapshots",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ApprovedPlanVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Edition = table.Column<int>(type: "INTEGER", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SnapshotNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ApprovedById = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovedPlanVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApprovedPlanVersions_AspNetUsers_ApprovedById",
                        column: x => x.ApprovedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ApprovedPlanVersions_PlanSnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "PlanSnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ApprovedPlanVersions_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanActionItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ActionKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Due = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    GoalKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanActionItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanActionItems_PlanSnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "PlanSnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanGoals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GoalKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    SegmentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    UnlinkedProduct = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    UnlinkedSegment = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ObjectiveId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Total = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanGoals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanGoals_PlanSnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "PlanSnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanGoalTargets",
                columns: table => new
                {
                    GoalId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quarter = table.Column<int>(type: "INTEGER", nullable: false),
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    End = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanGoalTargets", x => new { x.GoalId, x.Quarter });
                    table.ForeignKey(
                        name: "FK_PlanGoalTargets_PlanGoals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "PlanGoals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovedPlanVersions_ApprovedById",
                table: "ApprovedPlanVersions",
                column: "ApprovedById");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovedPlanVersions_CycleId_OwnerId_ApprovedAt",
                table: "ApprovedPlanVersions",
                columns: new[] { "CycleId", "OwnerId", "ApprovedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovedPlanVersions_PlanId_ApprovedAt",
                table: "ApprovedPlanVersions",
                columns: new[] { "PlanId", "ApprovedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovedPlanVersions_SnapshotId",
                table: "ApprovedPlanVersions",
                column: "SnapshotId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanActionItems_PlanId_Due",
                table: "PlanActionItems",
                columns: new[] { "PlanId", "Due" });

            migrationBuilder.CreateIndex(
                name: "IX_PlanActionItems_SnapshotId_ActionKey",
                table: "PlanActionItems",
                columns: new[] { "SnapshotId", "ActionKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PlanGoals_PlanId_GoalKey",
                table: "PlanGoals",
                columns: new[] { "PlanId", "GoalKey" });

            migrationBuilder.CreateIndex(
                name: "IX_PlanGoals_SnapshotId_GoalKey",
                table: "PlanGoals",
                columns: new[] { "SnapshotId", "GoalKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApprovedPlanVersions");

            migrationBuilder.DropTable(
                name: "PlanActionItems");

            migrationBuilder.DropTable(
                name: "PlanGoalTargets");

            migrationBuilder.DropTable(
                name: "PlanGoals");

            migrationBuilder.DropColumn(
                name: "Recorded",
                table: "PlanSnapshots");
        }
    }
}
