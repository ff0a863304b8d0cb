using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MetricSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "StatusChangedAt",
                table: "PlanActionItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StatusChangedById",
                table: "PlanActionItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StatusVersion",
                table: "PlanActionItems",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateTable(
                name: "MetricSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    OnTrackPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    AtRiskPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    HealthyCoveragePercent = table.Column<int>(type: "INTEGER", nullable: false),
                    EarlyStages = table.Column<string>(type: "TEXT", maxLength: 1221, nullable: false),
                    IdleDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedById = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetricSettings", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MetricSettings");

            migrationBuilder.DropColumn(
                name: "StatusChangedAt",
                table: "PlanActionItems");

            migrationBuilder.DropColumn(
                name: "StatusChangedById",
                table: "PlanActionItems");

            migrationBuilder.DropColumn(
                name: "StatusVersion",
                table: "PlanActionItems");
        }
    }
}
