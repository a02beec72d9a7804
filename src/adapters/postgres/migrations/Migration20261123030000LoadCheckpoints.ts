import { Migration } from '@mikro-orm/migrations';

/**
 * Where each table's load stands: rows committed into its aside table by
 * which load (workflow run). Written in the same transaction as the rows, so
 * a load resumed after a crash knows exactly which rows are in.
 */
export class Migration20261123030000LoadCheckpoints extends Migration {
  override up(): void {
    this.addSql(`
      create table "package_load_checkpoints" (
        "table_name" varchar(63) not null primary key,
        "load_id" varchar(200) not null,
        "rows_committed" bigint not null,
        "updated_at" timestamptz not null default now()
      );`);
  }

  override down(): void {
    this.addSql('drop table if exists "package_load_checkpoints";');
  }
}
