using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threadline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TypedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_asset_lifecycle_events_asset_id_at",
                table: "asset_lifecycle_events");

            migrationBuilder.AddColumn<string>(
                name: "alert_id",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "alert_key",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "alert_kind",
                table: "asset_lifecycle_events",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "at_unix_ms",
                table: "asset_lifecycle_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "component",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "components",
                table: "asset_lifecycle_events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "deviations",
                table: "asset_lifecycle_events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "failure_mode",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "installed_item",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "installed_revision",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "previous_severity",
                table: "asset_lifecycle_events",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "service_kind",
                table: "asset_lifecycle_events",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "service_sequence",
                table: "asset_lifecycle_events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "site",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "asset_lifecycle_events",
                type: "TEXT",
                nullable: true);

            foreach (var statement in TypedEventsSql.Up(postgres: false))
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_alert_id",
                table: "asset_lifecycle_events",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_asset_id_at_unix_ms",
                table: "asset_lifecycle_events",
                columns: new[] { "asset_id", "at_unix_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_kind_failure_mode_item_revision_at_unix_ms",
                table: "asset_lifecycle_events",
                columns: new[] { "kind", "failure_mode", "item", "revision", "at_unix_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_kind_item_revision_at_unix_ms",
                table: "asset_lifecycle_events",
                columns: new[] { "kind", "item", "revision", "at_unix_ms" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_asset_lifecycle_events_alert_id",
                table: "asset_lifecycle_events");

            migrationBuilder.DropIndex(
                name: "ix_asset_lifecycle_events_asset_id_at_unix_ms",
                table: "asset_lifecycle_events");

            migrationBuilder.DropIndex(
                name: "ix_asset_lifecycle_events_kind_failure_mode_item_revision_at_unix_ms",
                table: "asset_lifecycle_events");

            migrationBuilder.DropIndex(
                name: "ix_asset_lifecycle_events_kind_item_revision_at_unix_ms",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "alert_id",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "alert_key",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "alert_kind",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "at_unix_ms",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "component",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "components",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "deviations",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "failure_mode",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "installed_item",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "installed_revision",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "message",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "previous_severity",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "service_kind",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "service_sequence",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "site",
                table: "asset_lifecycle_events");

            migrationBuilder.DropColumn(
                name: "source",
                table: "asset_lifecycle_events");

            migrationBuilder.CreateIndex(
                name: "ix_asset_lifecycle_events_asset_id_at",
                table: "asset_lifecycle_events",
                columns: new[] { "asset_id", "at" });

            foreach (var statement in TypedEventsSql.Down())
            {
                migrationBuilder.Sql(statement);
            }
        }
    }
}
