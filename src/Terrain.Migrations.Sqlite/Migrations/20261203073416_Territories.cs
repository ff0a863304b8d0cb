using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Territories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TerritoryId",
                table: "Accounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Territories",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RepId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BaseAddress = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    BaseLatitude = table.Column<double>(type: "REAL", nullable: true),
                    BaseLongitude = table.Column<double>(type: "REAL", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Territories", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Territories_AspNetUsers_RepId",
                        column: x => x.RepId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "AccountAssignments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Batch = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromTerritoryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FromRepId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ToTerritoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ToRepId = table.Column<Guid>(type: "TEXT", nullable: true),
                    EffectiveFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountAssignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccountAssignments_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AccountAssignments_Territories_ToTerritoryId",
                        column: x => x.ToTerritoryId,
                        principalTable: "Territories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AssignmentRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    PostalPrefix = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Segment = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Industry = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TerritoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssignmentRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssignmentRules_Territories_TerritoryId",
                        column: x => x.TerritoryId,
                        principalTable: "Territories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_TerritoryId_Name",
                table: "Accounts",
                columns: new[] { "TerritoryId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountAssignments_AccountId_Status",
                table: "AccountAssignments",
                columns: new[] { "AccountId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountAssignments_FromRepId_AppliedAt",
                table: "AccountAssignments",
                columns: new[] { "FromRepId", "AppliedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountAssignments_Status_EffectiveFrom",
                table: "AccountAssignments",
                columns: new[] { "Status", "EffectiveFrom" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountAssignments_ToRepId_AppliedAt",
                table: "AccountAssignments",
                columns: new[] { "ToRepId", "AppliedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountAssignments_ToTerritoryId",
                table: "AccountAssignments",
                column: "ToTerritoryId");

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentRules_Priority",
                table: "AssignmentRules",
                column: "Priority");

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentRules_TerritoryId",
                table: "AssignmentRules",
                column: "TerritoryId");

            migrationBuilder.CreateIndex(
                name: "IX_Territories_Name",
                table: "Territories",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Territories_RepId",
                table: "Territories",
                column: "RepId",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Accounts_Territories_TerritoryId",
                table: "Accounts",
                column: "TerritoryId",
                principalTable: "Territories",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Accounts_Territories_TerritoryId",
                table: "Accounts");

            migrationBuilder.DropTable(
                name: "AccountAssignments");

            migrationBuilder.DropTable(
                name: "AssignmentRules");

            migrationBuilder.DropTable(
                name: "Territories");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_TerritoryId_Name",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "TerritoryId",
                table: "Accounts");
        }
    }
}
