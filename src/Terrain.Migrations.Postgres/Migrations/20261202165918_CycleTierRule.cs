using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CycleTierRule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TierAShare",
                table: "Cycles",
                type: "integer",
                nullable: false,
                defaultValue: 50);

            migrationBuilder.AddColumn<int>(
                name: "TierBShare",
                table: "Cycles",
                type: "integer",
                nullable: false,
                defaultValue: 80);

            migrationBuilder.AddColumn<int>(
                name: "TierCShare",
                table: "Cycles",
                type: "integer",
                nullable: false,
                defaultValue: 95);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TierAShare",
                table: "Cycles");

            migrationBuilder.DropColumn(
                name: "TierBShare",
                table: "Cycles");

            migrationBuilder.DropColumn(
                name: "TierCShare",
                table: "Cycles");
        }
    }
}
