using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AccountsAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DataVersions",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Stamp = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataVersions", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "DataVersions",
                columns: new[] { "Name", "Stamp" },
                values: new object[] { "accounts", new Guid("6d1f3c4e-2a8b-4f0e-9c57-0b3a1e2d4c01") });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_AnnualPotential_Name",
                table: "Accounts",
                columns: new[] { "AnnualPotential", "Name" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Name_Id",
                table: "Accounts",
                columns: new[] { "Name", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataVersions");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_AnnualPotential_Name",
                table: "Accounts");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_Name_Id",
                table: "Accounts");
        }
    }
}
