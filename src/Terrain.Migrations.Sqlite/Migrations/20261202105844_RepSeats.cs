using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RepSeats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RepSeats",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CycleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    From = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    To = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    SetById = table.Column<Guid>(type: "TEXT", nullable: false),
                    SetAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RepSeats", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RepSeats_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RepSeats_AspNetUsers_SetById",
                        column: x => x.SetById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RepSeats_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RepSeats_CycleId_RepId",
                table: "RepSeats",
                columns: new[] { "CycleId", "RepId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RepSeats_RepId",
                table: "RepSeats",
                column: "RepId");

            migrationBuilder.CreateIndex(
                name: "IX_RepSeats_SetById",
                table: "RepSeats",
                column: "SetById");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RepSeats");
        }
    }
}
