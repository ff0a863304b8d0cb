using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PlanOwnDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ApprovalExtensionDays",
                table: "Plans",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "DraftExtensionDays",
                table: "Plans",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DraftSubmittedAt",
                table: "Plans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "JoinedOn",
                table: "Plans",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeftAt",
                table: "Plans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnApprovalWindowDays",
                table: "Plans",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "OwnDraftDue",
                table: "Plans",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PlanExtensions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Deadline = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Days = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ById = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanExtensions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanExtensions_AspNetUsers_ById",
                        column: x => x.ById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PlanExtensions_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PlanExtensions_ById",
                table: "PlanExtensions",
                column: "ById");

            migrationBuilder.CreateIndex(
                name: "IX_PlanExtensions_PlanId",
                table: "PlanExtensions",
                column: "PlanId");

            // The draft deadline is measured against the first submission ever, which snapshots keep (ADR 0030).
            migrationBuilder.Sql("UPDATE \"Plans\" SET \"DraftSubmittedAt\" = (SELECT MIN(s.\"SubmittedAt\") FROM \"PlanSnapshots\" s WHERE s.\"PlanId\" = \"Plans\".\"Id\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PlanExtensions");

            migrationBuilder.DropColumn(
                name: "ApprovalExtensionDays",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "DraftExtensionDays",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "DraftSubmittedAt",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "JoinedOn",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "LeftAt",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "OwnApprovalWindowDays",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "OwnDraftDue",
                table: "Plans");
        }
    }
}
