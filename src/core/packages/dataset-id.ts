import { transliterate } from 'transliteration';

/**
 * A dataset's id as OpenSpending's loading pipeline names it
 * (`extract_storage_ids`: python-slugify with `_`, lower case, then every `_`
 * as `-`), so the `<owner>:<name>` links os-packager builds point at it:
 * letters transliterated to ASCII, commas inside numbers dropped, every other
 * run of non-alphanumerics one `-`.
 */
export function datasetIdFor(owner: string, name: string): string {
  return `${owner}:${datasetSlug(name)}`;
}

/** The part of a dataset id after `<owner>:`; at most 100 characters (ids are also workflow ids and document ids). */
export function datasetSlug(name: string): string {
  const slug = transliterate(name)
    .toLowerCase()
    .replace(/(?<=\d),(?=\d)/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return slug || 'package';
}
