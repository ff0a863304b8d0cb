using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ImportMappingsAndDataAge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                // An organisation that set its thresholds before the data age warning gets the default limit (48 hours).
                name: "DataAgeLimitHours",
                table: "MetricSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 48);

            migrationBuilder.AddColumn<Guid>(
                name: "MappingId",
                table: "ImportJobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ColumnsJson = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    StagesJson = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    DateFormats = table.Column<string>(type: "TEXT", maxLength: 206, nullable: false),
                    DecimalSeparator = table.Column<char>(type: "TEXT", nullable: false),
                    ThousandsSeparator = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedById = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportMappings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries",
                columns: new[] { "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportMappings_Name",
                table: "ImportMappings",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportMappings");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "DataAgeLimitHours",
                table: "MetricSettings");

            migrationBuilder.DropColumn(
                name: "MappingId",
                table: "ImportJobs");
        }
    }
}
