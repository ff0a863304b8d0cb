using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class QuotaAllocationAndLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcknowledgedAt",
                table: "RepQuotas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AcknowledgedVersion",
                table: "RepQuotas",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AllocationId",
                table: "RepQuotas",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PublishedAt",
                table: "RepQuotas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PublishedVersion",
                table: "RepQuotas",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "StartedOn",
                table: "AspNetUsers",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "QuotaAllocations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CycleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Target = table.Column<long>(type: "bigint", nullable: false),
                    Method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PotentialWeight = table.Column<int>(type: "integer", nullable: false),
                    BookingsWeight = table.Column<int>(type: "integer", nullable: false),
                    EqualWeight = table.Column<int>(type: "integer", nullable: false),
                    Seasonality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Season = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Ramp = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Lines = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublishedById = table.Column<Guid>(type: "uuid", nullable: true),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
