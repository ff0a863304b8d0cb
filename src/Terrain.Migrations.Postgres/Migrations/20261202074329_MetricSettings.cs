using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MetricSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StatusChangedAt",
                table: "PlanActionItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StatusChangedById",
                table: "PlanActionItems",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "StatusVersion",
                table: "PlanActionItems",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateTable(
                name: "MetricSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    OnTrackPercent = table.Column<int>(type: "integer", nullable: false),
                    AtRiskPercent = table.Column<int>(type: "integer", nullable: false),
                    HealthyCoveragePercent = table.Column<int>(type: "integer", nullable: false),
                    EarlyStages = table.Column<string>(type: "character varying(1221)", maxLength: 1221, nullable: false),
                    IdleDays = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
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
