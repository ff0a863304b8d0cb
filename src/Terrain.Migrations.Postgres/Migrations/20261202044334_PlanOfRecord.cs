using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ApprovedPlanVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    CycleId = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Edition = table.Column<int>(type: "integer", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "uuid", nullable: false),
                    SnapshotNumber = table.Column<int>(type: "integer", nullable: false),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ApprovedById = table.Column<Guid>(type: "uuid", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    ActionKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Due = table.Column<DateOnly>(type: "date", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Owner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    GoalKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SnapshotId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    GoalKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Metric = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProductId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    SegmentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    UnlinkedProduct = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    UnlinkedSegment = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ObjectiveId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Total = table.Column<long>(type: "bigint", nullable: false)
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
                    GoalId = table.Column<Guid>(type: "uuid", nullable: false),
                    Quarter = table.Column<int>(type: "integer", nullable: false),
                    Start = table.Column<DateOnly>(type: "date", nullable: false),
                    End = table.Column<DateOnly>(type: "date", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false)
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
