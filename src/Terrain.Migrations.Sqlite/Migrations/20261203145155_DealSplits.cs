using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OpportunityExternalId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Percent = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
