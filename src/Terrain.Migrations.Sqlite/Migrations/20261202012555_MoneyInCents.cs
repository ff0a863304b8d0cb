using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MoneyInCents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Amounts were REAL; they become whole cents (ADR 0012).
            migrationBuilder.Sql("UPDATE \"Quotas\" SET \"Amount\" = CAST(ROUND(\"Amount\" * 100) AS INTEGER);");
            migrationBuilder.Sql("UPDATE \"Accounts\" SET \"AnnualPotential\" = CAST(ROUND(\"AnnualPotential\" * 100) AS INTEGER);");

            migrationBuilder.AlterColumn<long>(
                name: "Amount",
                table: "Quotas",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL",
                oldPrecision: 18,
                oldScale: 2);

            migrationBuilder.AlterColumn<long>(
                name: "AnnualPotential",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL",
                oldPrecision: 18,
                oldScale: 2);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<double>(
                name: "Amount",
                table: "Quotas",
                type: "REAL",
                precision: 18,
                scale: 2,
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "AnnualPotential",
                table: "Accounts",
                type: "REAL",
                precision: 18,
                scale: 2,
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.Sql("UPDATE \"Quotas\" SET \"Amount\" = \"Amount\" / 100.0;");
            migrationBuilder.Sql("UPDATE \"Accounts\" SET \"AnnualPotential\" = \"AnnualPotential\" / 100.0;");
        }
    }
}
