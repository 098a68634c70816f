using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Threadline.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Twins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "twin_snapshots",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    asset_id = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    at_unix_ms = table.Column<long>(type: "bigint", nullable: false),
                    period = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_twin_snapshots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "twin_states",
                columns: table => new
                {
                    asset_id = table.Column<string>(type: "text", nullable: false),
                    revision = table.Column<string>(type: "text", nullable: false),
                    site = table.Column<string>(type: "text", nullable: true),
                    health = table.Column<double>(type: "double precision", nullable: true),
                    rul_days = table.Column<double>(type: "double precision", nullable: true),
                    active_alerts = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    saved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_twin_states", x => x.asset_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_twin_snapshots_asset_id_at_unix_ms",
                table: "twin_snapshots",
                columns: new[] { "asset_id", "at_unix_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_twin_snapshots_asset_id_period",
                table: "twin_snapshots",
                columns: new[] { "asset_id", "period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_twin_states_site",
                table: "twin_states",
                column: "site");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "twin_snapshots");

            migrationBuilder.DropTable(
                name: "twin_states");
        }
    }
}
