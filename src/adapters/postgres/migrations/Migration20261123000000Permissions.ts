import { Migration } from '@mikro-orm/migrations';

/** Permissions table, seeded with the reference default: everyone may upload data packages. */
export class Migration20261123000000Permissions extends Migration {
  override up(): void {
    this.addSql(`
      create table "permissions" (
        "userid" varchar(64) not null,
        "service" varchar(128) not null,
        "permissions" jsonb not null,
        constraint "permissions_pkey" primary key ("userid", "service")
      );`);
    this.addSql(`insert into "permissions" ("userid", "service", "permissions")
      values ('*', 'os.datastore', '{"datapackage-upload": true}');`);
  }

  override down(): void {
    this.addSql('drop table if exists "permissions";');
  }
}
