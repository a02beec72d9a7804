import type { Client } from '@elastic/elasticsearch';

/**
 * The registry index's mapping, version 1. Explicit (`dynamic: false`): fields
 * not listed are stored in `_source` but not indexed, so a filter on them is
 * refused up front rather than silently matching nothing. `model`, the
 * descriptor's schema parts and `defaultParams` are stored, not indexed.
 */
export const packageIndexVersion = 1;

export const packageMapping = {
  dynamic: false,
  properties: {
    id: { type: 'keyword' },
    dataset: { type: 'keyword' },
    origin_url: { type: 'keyword' },
    author: { type: 'keyword' },
    loaded: { type: 'boolean' },
    loading_status: { type: 'keyword' },
    last_update: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
    model: { type: 'object', enabled: false },
    package: {
      type: 'object',
      dynamic: false,
      properties: {
        name: { type: 'keyword' },
        title: { type: 'text' },
        description: { type: 'text' },
        owner: { type: 'keyword' },
        author: { type: 'keyword' },
        private: { type: 'boolean' },
        countryCode: { type: 'keyword', fields: { text: { type: 'text' } } },
        regionCode: { type: 'keyword' },
        cityCode: { type: 'keyword' },
        count_of_rows: { type: 'long' },
        defaultParams: { type: 'object', enabled: false },
      },
    },
  },
} as const;

/** The kind of value each filterable field takes (every indexed field of the mapping). */
export const filterableFields: Record<string, 'text' | 'number' | 'boolean'> = {
  id: 'text',
  dataset: 'text',
  origin_url: 'text',
  author: 'text',
  loaded: 'boolean',
  loading_status: 'text',
  'package.name': 'text',
  'package.title': 'text',
  'package.description': 'text',
  'package.owner': 'text',
  'package.author': 'text',
  'package.private': 'boolean',
  'package.countryCode': 'text',
  'package.regionCode': 'text',
  'package.cityCode': 'text',
  'package.count_of_rows': 'number',
};

/** The alias every reader and writer uses; it points at the current versioned index. */
export function packageIndexAlias(prefix: string): string {
  return `${prefix}-packages`;
}

/**
 * Creates the versioned index and points the alias at it, when the alias does
 * not exist yet. A later mapping version is created beside it, filled, and the
 * alias switched, so readers never see a missing index.
 */
export async function ensurePackageIndex(client: Client, prefix: string): Promise<void> {
  const alias = packageIndexAlias(prefix);
  if (await client.indices.existsAlias({ name: alias })) return;
  const index = `${alias}-v${packageIndexVersion}`;
  if (!(await client.indices.exists({ index }))) {
    await client.indices.create({ index, mappings: packageMapping as never }, { ignore: [400] });
  }
  await client.indices.putAlias({ index, name: alias });
}
