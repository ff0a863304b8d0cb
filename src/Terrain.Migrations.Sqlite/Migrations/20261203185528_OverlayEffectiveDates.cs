using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OverlayEffectiveDates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccountOverlays_AccountId_RepId",
                table: "AccountOverlays");

            migrationBuilder.AddColumn<DateOnly>(
                name: "EffectiveFrom",
                table: "AccountOverlays",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<DateOnly>(
                name: "EffectiveTo",
                table: "AccountOverlays",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccountOverlays_AccountId_RepId",
                table: "AccountOverlays",
                columns: new[] { "AccountId", "RepId" },
                unique: true,
                filter: "\"EffectiveTo\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccountOverlays_AccountId_RepId",
                table: "AccountOverlays");

            migrationBuilder.DropColumn(
                name: "EffectiveFrom",
                table: "AccountOverlays");

            migrationBuilder.DropColumn(
                name: "EffectiveTo",
                table: "AccountOverlays");

            migrationBuilder.CreateIndex(
                name: "IX_AccountOverlays_AccountId_RepId",
                table: "AccountOverlays",
                columns: new[] { "AccountId", "RepId" },
                unique: true);
        }
    }
}
