import { Migration } from '@mikro-orm/migrations';

/**
 * File ids become one URL path segment (see core/packages/file-ids.ts):
 * `<dataset id>/<resource>` turns into `<resource slug>-<12 hex of sha256 of
 * the old id>`, in the datasets and in the work packages already made, so
 * their work order tokens keep working under the new ids.
 */
export class Migration20261124010000PathSafeFileIds extends Migration {
  override up(): void {
    this.addSql(`
      create function pg_temp.path_safe_file_id(old text) returns text language sql immutable as $$
        select coalesce(nullif(left(trim(both '-' from regexp_replace(lower(substring(old from position('/' in old) + 1)), '[^a-z0-9]+', '-', 'g')), 40), ''), 'file')
          || '-' || left(encode(sha256(convert_to(old, 'UTF8')), 'hex'), 12)
      $$;`);
    this.addSql(`
      update "datasets" set "files" = (
        select coalesce(jsonb_agg(case when file->>'id' like '%/%' then jsonb_set(file, '{id}', to_jsonb(pg_temp.path_safe_file_id(file->>'id'))) else file end order by position), '[]'::jsonb)
        from jsonb_array_elements("files") with ordinality as entries(file, position)
      );`);
    this.addSql(`
      update "work_packages" set "files" = (
        select coalesce(jsonb_object_agg(case when key like '%/%' then pg_temp.path_safe_file_id(key) else key end, value), '{}'::jsonb)
        from jsonb_each("files")
      );`);
  }

  override down(): void {
    // The old ids cannot be computed back from their hash; they were unusable over HTTP anyway.
  }
}
