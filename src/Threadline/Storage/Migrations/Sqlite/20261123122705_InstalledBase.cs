using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threadline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstalledBase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "asset_families",
                columns: table => new
                {
                    prefix = table.Column<string>(type: "TEXT", nullable: false),
                    plm_url = table.Column<string>(type: "TEXT", nullable: true),
                    pattern = table.Column<string>(type: "TEXT", nullable: false),
                    serial_digits = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_families", x => x.prefix);
                });

            migrationBuilder.CreateTable(
                name: "asset_targets",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", nullable: true),
                    added_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_targets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    family = table.Column<string>(type: "TEXT", nullable: false),
                    serial = table.Column<string>(type: "TEXT", nullable: false),
                    serial_key = table.Column<string>(type: "TEXT", nullable: false),
                    item = table.Column<string>(type: "TEXT", nullable: false),
                    revision = table.Column<string>(type: "TEXT", nullable: false),
                    iot_device_id = table.Column<string>(type: "TEXT", nullable: true),
                    site = table.Column<string>(type: "TEXT", nullable: true),
                    ship_date = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    registered_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    legacy_ids = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "triage_queue",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: false),
                    details = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    closed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_triage_queue", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "asset_as_built",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    find_number_path = table.Column<string>(type: "TEXT", nullable: true),
                    item = table.Column<string>(type: "TEXT", nullable: false),
                    revision = table.Column<string>(type: "TEXT", nullable: false),
                    serial = table.Column<string>(type: "TEXT", nullable: true),
                    lot = table.Column<string>(type: "TEXT", nullable: true),
                    substitutes = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_as_built", x => x.id);
                    table.ForeignKey(
                        name: "fk_asset_as_built_assets_asset_id",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "asset_lifecycle_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    item = table.Column<string>(type: "TEXT", nullable: false),
                    revision = table.Column<string>(type: "TEXT", nullable: false),
                    signal = table.Column<string>(type: "TEXT", nullable: true),
                    value = table.Column<double>(type: "REAL", nullable: true),
                    unit = table.Column<string>(type: "TEXT", nullable: true),
                    limit_min = table.Column<double>(type: "REAL", nullable: true),
                    limit_max = table.Column<double>(type: "REAL", nullable: true),
                    severity = table.Column<string>(type: "TEXT", nullable: true),
                    details = table.Column<string>(type: "TEXT", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_lifecycle_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_asset_lifecycle_events_assets_asset_id",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "asset_service_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    asset_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    component = table.Column<string>(type: "TEXT", nullable: false),
                    removed_serial = table.Column<string>(type: "TEXT", nullable: true),
                    installed_item = table.Column<string>(type: "TEXT", nullable: true),
                    installed_revision = table.Column<string>(type: "TEXT", nullable: true),
                    installed_serial = table.Column<string>(type: "TEXT", nullable: true),
                    installed_lot = table.Column<string>(type: "TEXT", nullable: true),
                    operating_hours = table.Column<double>(type: "REAL", nullable: true),
                    technician = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    notes = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_service_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_asset_service_events_assets_asset_id",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_asset_as_built_asset_id",
                table: "asset_as_built",
                column: "asset_id");

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_asset_id_at",
                table: "asset_lifecycle_events",
                columns: new[] { "asset_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_asset_service_events_asset_id_at",
                table: "asset_service_events",
                columns: new[] { "asset_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_assets_iot_device_id",
                table: "assets",
                column: "iot_device_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_assets_item_serial_key",
                table: "assets",
                columns: new[] { "item", "serial_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_assets_site",
                table: "assets",
                column: "site");

            migrationBuilder.CreateIndex(
                name: "ix_triage_queue_closed_created_at",
                table: "triage_queue",
                columns: new[] { "closed", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "asset_as_built");

            migrationBuilder.DropTable(
                name: "asset_families");

            migrationBuilder.DropTable(
                name: "asset_lifecycle_events");

            migrationBuilder.DropTable(
                name: "asset_service_events");

            migrationBuilder.DropTable(
                name: "asset_targets");

            migrationBuilder.DropTable(
                name: "triage_queue");

            migrationBuilder.DropTable(
                name: "assets");
        }
    }
}
