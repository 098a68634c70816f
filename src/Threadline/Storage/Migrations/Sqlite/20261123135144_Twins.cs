using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threadline.Storage.Migrations.Sqlite
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    at_unix_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    period = table.Column<long>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_twin_snapshots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "twin_states",
                columns: table => new
                {
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    revision = table.Column<string>(type: "TEXT", nullable: false),
                    site = table.Column<string>(type: "TEXT", nullable: true),
                    health = table.Column<double>(type: "REAL", nullable: true),
                    rul_days = table.Column<double>(type: "REAL", nullable: true),
                    active_alerts = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    saved_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", nullable: false)
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
