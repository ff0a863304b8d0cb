using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NotificationsDismissedAndResolved : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DismissedAt",
                table: "Notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ResolvedAt",
                table: "Notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_ResolvedAt_DismissedAt",
                table: "Notifications",
                columns: new[] { "ResolvedAt", "DismissedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Notifications_ResolvedAt_DismissedAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "DismissedAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "ResolvedAt",
                table: "Notifications");
        }
    }
}
