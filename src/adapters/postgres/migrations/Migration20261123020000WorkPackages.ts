import { Migration } from '@mikro-orm/migrations';

/** Datasets seen by the work-package service, explicit access grants, and work packages. */
export class Migration20261123020000WorkPackages extends Migration {
  override up(): void {
    this.addSql(`
      create table "datasets" (
        "id" varchar(300) not null primary key,
        "owner" varchar(64) not null,
        "title" text not null,
        "description" text null,
        "stage" varchar(16) not null,
        "published" boolean not null,
        "files" jsonb not null
      );`);
    this.addSql('create index "datasets_owner_index" on "datasets" ("owner");');
    this.addSql(`
      create table "dataset_access_grants" (
        "user_id" varchar(300) not null,
        "dataset_id" varchar(300) not null,
        constraint "dataset_access_grants_pkey" primary key ("user_id", "dataset_id")
      );`);
    this.addSql(`
      create table "work_packages" (
        "id" uuid not null primary key,
        "dataset_id" varchar(300) not null,
        "type" varchar(16) not null,
        "files" jsonb not null,
        "user_id" varchar(300) not null,
        "full_user_name" varchar(400) not null,
        "email" varchar(320) not null,
        "user_public_crypt4gh_key" varchar(64) not null,
        "token_hash" varchar(64) not null,
        "created" timestamptz not null,
        "expires" timestamptz not null
      );`);
  }

  override down(): void {
    this.addSql('drop table if exists "work_packages";');
    this.addSql('drop table if exists "dataset_access_grants";');
    this.addSql('drop table if exists "datasets";');
  }
}
