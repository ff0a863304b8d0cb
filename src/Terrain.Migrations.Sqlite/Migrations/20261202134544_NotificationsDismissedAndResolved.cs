using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NotificationsDismissedAndResolved : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DismissedAt",
                table: "Notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolvedAt",
                table: "Notifications",
                type: "INTEGER",
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
