using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class QuotaAllocationAndLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AcknowledgedAt",
                table: "RepQuotas",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AcknowledgedVersion",
                table: "RepQuotas",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AllocationId",
                table: "RepQuotas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PublishedAt",
                table: "RepQuotas",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PublishedVersion",
                table: "RepQuotas",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "StartedOn",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "QuotaAllocations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Target = table.Column<long>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PotentialWeight = table.Column<int>(type: "INTEGER", nullable: false),
                    BookingsWeight = table.Column<int>(type: "INTEGER", nullable: false),
                    EqualWeight = table.Column<int>(type: "INTEGER", nullable: false),
                    Seasonality = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Season = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Ramp = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Lines = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaAllocations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaAllocations_AspNetUsers_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_QuotaAllocations_AspNetUsers_PublishedById",
                        column: x => x.PublishedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_QuotaAllocations_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaAllocations_CreatedById",
                table: "QuotaAllocations",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaAllocations_CycleId_CreatedAt",
                table: "QuotaAllocations",
                columns: new[] { "CycleId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaAllocations_PublishedById",
                table: "QuotaAllocations",
                column: "PublishedById");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuotaAllocations");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "RepQuotas");

            migrationBuilder.DropColumn(
                name: "AcknowledgedVersion",
                table: "RepQuotas");

            migrationBuilder.DropColumn(
                name: "AllocationId",
                table: "RepQuotas");

            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "RepQuotas");

            migrationBuilder.DropColumn(
                name: "PublishedVersion",
                table: "RepQuotas");

            migrationBuilder.DropColumn(
                name: "StartedOn",
                table: "AspNetUsers");
        }
    }
}
