import { Migration } from '@mikro-orm/migrations';

/**
 * Dataset ids follow the reference pipeline (`<owner>:my-budget`, not
 * `<owner>:my_budget`). The datasets themselves are renamed by the data
 * migration that runs after this one (it needs the registry as well); the
 * former ids stay here so calls naming them keep working.
 */
export class Migration20261207000000DatasetIdAliases extends Migration {
  override up(): void {
    this.addSql(`
      create table "dataset_id_aliases" (
        "old_id" text not null primary key,
        "new_id" text not null,
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "dataset_id_aliases_new_id_index" on "dataset_id_aliases" ("new_id");`);
  }

  override down(): void {
    this.addSql('drop table if exists "dataset_id_aliases";');
  }
}
