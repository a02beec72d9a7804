/** A JSON scalar a filter or the full-text query may carry. */
export type SearchValue = string | number | boolean;

/** A validated package query. */
export interface PackageQuery {
  /** Full text over title, author, owner, description and region/country/city code. */
  text?: string;
  /** Field matches; values of one field are OR'ed, fields are AND'ed. */
  filters: { field: string; values: SearchValue[] }[];
  size: number;
  /** The authenticated user, who also sees their own private or unloaded packages. */
  viewer?: string;
}

/** The package registry's search (Elasticsearch). */
export interface PackageSearch {
  /** Registry documents `{id, model, package, origin_url, loaded, last_update}`, most relevant then newest first. */
  search(query: PackageQuery): Promise<Record<string, unknown>[]>;
}

/** The search backend cannot be reached or is not ready. */
export class SearchUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SearchUnavailableError';
  }
}
