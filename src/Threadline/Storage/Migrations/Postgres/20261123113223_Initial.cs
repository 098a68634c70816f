using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Threadline.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_version",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_version", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "items",
                columns: table => new
                {
                    number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    number_key = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    uom = table.Column<string>(type: "text", nullable: false),
                    family = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_items", x => x.number);
                });

            migrationBuilder.CreateTable(
                name: "item_revisions",
                columns: table => new
                {
                    item_number = table.Column<string>(type: "character varying(64)", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    superseded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_revisions", x => new { x.item_number, x.code });
                    table.ForeignKey(
                        name: "fk_item_revisions_items_item_number",
                        column: x => x.item_number,
                        principalTable: "items",
                        principalColumn: "number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "bom_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    item_number = table.Column<string>(type: "character varying(64)", nullable: false),
                    revision_code = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    find_number = table.Column<string>(type: "text", nullable: false),
                    child_number = table.Column<string>(type: "character varying(64)", nullable: false),
                    quantity = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    reference_designators = table.Column<List<string>>(type: "text[]", nullable: false),
                    pinned_revision = table.Column<string>(type: "text", nullable: true),
                    serial_from = table.Column<string>(type: "text", nullable: true),
                    serial_to = table.Column<string>(type: "text", nullable: true),
                    date_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    date_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lots = table.Column<List<string>>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bom_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_bom_lines_item_revisions_item_number_revision_code",
                        columns: x => new { x.item_number, x.revision_code },
                        principalTable: "item_revisions",
                        principalColumns: new[] { "item_number", "code" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_bom_lines_items_child_number",
                        column: x => x.child_number,
                        principalTable: "items",
                        principalColumn: "number",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "design_limits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    item_number = table.Column<string>(type: "character varying(64)", nullable: false),
                    revision_code = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    signal = table.Column<string>(type: "text", nullable: false),
                    min = table.Column<double>(type: "double precision", nullable: true),
                    max = table.Column<double>(type: "double precision", nullable: true),
                    unit = table.Column<string>(type: "text", nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_design_limits", x => x.id);
                    table.ForeignKey(
                        name: "fk_design_limits_item_revisions_item_number_revision_code",
                        columns: x => new { x.item_number, x.revision_code },
                        principalTable: "item_revisions",
                        principalColumns: new[] { "item_number", "code" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "service_bom_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    item_number = table.Column<string>(type: "character varying(64)", nullable: false),
                    revision_code = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    find_number_path = table.Column<string>(type: "text", nullable: false),
                    covered_item = table.Column<string>(type: "text", nullable: false),
                    replacement_interval_hours = table.Column<double>(type: "double precision", nullable: true),
                    service_parts = table.Column<List<string>>(type: "text[]", nullable: false),
                    labour_operation = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_bom_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_service_bom_entries_item_revisions_item_number_revision_code",
                        columns: x => new { x.item_number, x.revision_code },
                        principalTable: "item_revisions",
                        principalColumns: new[] { "item_number", "code" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "catalog_version",
                columns: new[] { "id", "version" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_bom_lines_child_number",
                table: "bom_lines",
                column: "child_number");

            migrationBuilder.CreateIndex(
                name: "ix_bom_lines_item_number_revision_code",
                table: "bom_lines",
                columns: new[] { "item_number", "revision_code" });

            migrationBuilder.CreateIndex(
                name: "ix_design_limits_item_number_revision_code",
                table: "design_limits",
                columns: new[] { "item_number", "revision_code" });

            migrationBuilder.CreateIndex(
                name: "ix_items_number_key",
                table: "items",
                column: "number_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_bom_entries_item_number_revision_code",
                table: "service_bom_entries",
                columns: new[] { "item_number", "revision_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bom_lines");

            migrationBuilder.DropTable(
                name: "catalog_version");

            migrationBuilder.DropTable(
                name: "design_limits");

            migrationBuilder.DropTable(
                name: "service_bom_entries");

            migrationBuilder.DropTable(
                name: "item_revisions");

            migrationBuilder.DropTable(
                name: "items");
        }
    }
}
