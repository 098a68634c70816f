using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threadline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeviceCredentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "device_credentials",
                columns: table => new
                {
                    username = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    asset_id = table.Column<string>(type: "TEXT", nullable: true),
                    edge_group = table.Column<string>(type: "TEXT", nullable: true),
                    edge_node = table.Column<string>(type: "TEXT", nullable: true),
                    password_hash = table.Column<string>(type: "TEXT", nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_device_credentials", x => x.username);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "device_credentials");
        }
    }
}
