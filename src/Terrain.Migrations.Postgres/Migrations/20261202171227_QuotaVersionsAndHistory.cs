using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class QuotaVersionsAndHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QuotaChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CycleId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepId = table.Column<Guid>(type: "uuid", nullable: false),
                    Quarter = table.Column<int>(type: "integer", nullable: false),
                    OldAmount = table.Column<long>(type: "bigint", nullable: true),
                    NewAmount = table.Column<long>(type: "bigint", nullable: false),
                    ChangedById = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaChanges_AspNetUsers_ChangedById",
                        column: x => x.ChangedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_QuotaChanges_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_QuotaChanges_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RepQuotas",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CycleId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ChangedById = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RepQuotas", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RepQuotas_AspNetUsers_ChangedById",
                        column: x => x.ChangedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RepQuotas_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RepQuotas_Cycles_CycleId",
                        column: x => x.CycleId,
                        principalTable: "Cycles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaChanges_ChangedById",
                table: "QuotaChanges",
                column: "ChangedById");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaChanges_CycleId_RepId_ChangedAt",
                table: "QuotaChanges",
                columns: new[] { "CycleId", "RepId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaChanges_RepId",
                table: "QuotaChanges",
                column: "RepId");

            migrationBuilder.CreateIndex(
                name: "IX_RepQuotas_ChangedById",
                table: "RepQuotas",
                column: "ChangedById");

            migrationBuilder.CreateIndex(
                name: "IX_RepQuotas_CycleId_RepId",
                table: "RepQuotas",
                columns: new[] { "CycleId", "RepId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RepQuotas_RepId",
                table: "RepQuotas",
                column: "RepId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuotaChanges");

            migrationBuilder.DropTable(
                name: "RepQuotas");
        }
    }
}
