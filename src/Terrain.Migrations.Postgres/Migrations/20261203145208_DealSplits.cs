using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DealSplits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DealSplits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OpportunityExternalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RepId = table.Column<Guid>(type: "uuid", nullable: false),
                    Percent = table.Column<long>(type: "bigint", nullable: false),
                    ImportId = table.Column<Guid>(type: "uuid", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DealSplits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DealSplits_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DealSplits_OpportunityExternalId_RepId",
                table: "DealSplits",
                columns: new[] { "OpportunityExternalId", "RepId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DealSplits_RepId",
                table: "DealSplits",
                column: "RepId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DealSplits");
        }
    }
}
