using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
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
                type: "integer",
                nullable: false,
                defaultValue: 48);

            migrationBuilder.AddColumn<Guid>(
                name: "MappingId",
                table: "ImportJobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ColumnsJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    StagesJson = table.Column<string>(type: "character varying(100000)", maxLength: 100000, nullable: false),
                    DateFormats = table.Column<string>(type: "character varying(206)", maxLength: 206, nullable: false),
                    DecimalSeparator = table.Column<char>(type: "character(1)", nullable: false),
                    ThousandsSeparator = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
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
