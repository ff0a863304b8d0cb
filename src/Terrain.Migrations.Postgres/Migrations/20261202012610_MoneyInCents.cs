using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Terrain.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MoneyInCents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Amounts were numeric(18,2); they become whole cents (ADR 0012).
            migrationBuilder.Sql("ALTER TABLE \"Quotas\" ALTER COLUMN \"Amount\" TYPE bigint USING round(\"Amount\" * 100)::bigint;");
            migrationBuilder.Sql("ALTER TABLE \"Accounts\" ALTER COLUMN \"AnnualPotential\" TYPE bigint USING round(\"AnnualPotential\" * 100)::bigint;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE \"Quotas\" ALTER COLUMN \"Amount\" TYPE numeric(18,2) USING \"Amount\" / 100.0;");
            migrationBuilder.Sql("ALTER TABLE \"Accounts\" ALTER COLUMN \"AnnualPotential\" TYPE numeric(18,2) USING \"AnnualPotential\" / 100.0;");
        }
    }
}
