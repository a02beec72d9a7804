import { Migration } from '@mikro-orm/migrations';

/** Users, their provider identities, and revoked user tokens. */
export class Migration20261123010000Users extends Migration {
  override up(): void {
    this.addSql(`
      create table "users" (
        "idhash" varchar(32) not null primary key,
        "profile_id" varchar(300) not null,
        "name" varchar(300) not null,
        "email" varchar(320) not null unique,
        "avatar_url" varchar(2000) not null,
        "username" varchar(40) null unique,
        "join_date" timestamptz not null
      );`);
    this.addSql(`
      create table "user_identities" (
        "provider" varchar(32) not null,
        "provider_id" varchar(255) not null,
        "user_idhash" varchar(32) not null references "users" ("idhash") on delete cascade,
        constraint "user_identities_pkey" primary key ("provider", "provider_id")
      );`);
    this.addSql('create index "user_identities_user_idhash_index" on "user_identities" ("user_idhash");');
    this.addSql(`
      create table "revoked_tokens" (
        "jti" varchar(64) not null primary key,
        "expires_at" timestamptz not null
      );`);
    this.addSql('create index "revoked_tokens_expires_at_index" on "revoked_tokens" ("expires_at");');
  }

  override down(): void {
    this.addSql('drop table if exists "revoked_tokens";');
    this.addSql('drop table if exists "user_identities";');
    this.addSql('drop table if exists "users";');
  }
}
