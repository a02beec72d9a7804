import { Migration } from '@mikro-orm/migrations';

/**
 * The status of each descriptor URL's last load, written when each step
 * begins: `/package/status` answers from here, so it needs neither a live
 * worker nor the workflow's history (which Temporal drops after retention).
 */
export class Migration20261124000000PackageLoads extends Migration {
  override up(): void {
    this.addSql(`
      create table "package_loads" (
        "descriptor_url" text not null primary key,
        "dataset_id" text not null,
        "owner" text not null,
        "workflow_id" text not null,
        "run_id" text null,
        "status" varchar(40) not null,
        "progress" bigint not null default 0,
        "resource" int null,
        "error" text null,
        "steps" jsonb not null default '[]',
        "started_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "package_loads_dataset_id_index" on "package_loads" ("dataset_id");`);
  }

  override down(): void {
    this.addSql('drop table if exists "package_loads";');
  }
}
