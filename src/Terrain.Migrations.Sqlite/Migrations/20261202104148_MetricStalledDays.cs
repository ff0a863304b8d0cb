using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MetricStalledDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "StalledDays",
                table: "MetricSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StalledDays",
                table: "MetricSettings");
        }
    }
}
