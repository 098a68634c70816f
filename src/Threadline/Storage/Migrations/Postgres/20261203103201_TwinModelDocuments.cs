using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threadline.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TwinModelDocuments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "twin_model",
                table: "item_revisions",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "twin_model",
                table: "item_revisions");
        }
    }
}
