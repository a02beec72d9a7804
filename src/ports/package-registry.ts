import type { DatasetRecord } from './work-package-store.js';

/** A registry document: `{id, model, package: {owner, private, …}, origin_url, dataset, author, loaded, last_update}`. */
export type RegistryDocument = Record<string, unknown> & { id: string; package?: Record<string, unknown> };

/** Registry-wide counts. */
export interface RegistryStats {
  packages: number;
  records: number;
  countries: number;
}

/** The package registry (Elasticsearch). */
export interface PackageRegistry {
  get(id: string): Promise<RegistryDocument | null>;
  /** Writes the whole document (visible to search once this resolves). */
  save(document: RegistryDocument): Promise<void>;
  /** Merges fields into `package` of the document. */
  updatePackage(id: string, fields: Record<string, unknown>): Promise<void>;
  delete(id: string): Promise<void>;
  stats(): Promise<RegistryStats>;
}

/** What a dataset leaves behind besides its registry document (loaded tables, work-package dataset row). */
export interface LoadedData {
  /** Records (or replaces) the dataset row of a loaded package. */
  saveDataset(dataset: DatasetRecord): Promise<void>;
  setPublished(datasetId: string, published: boolean): Promise<void>;
  remove(datasetId: string): Promise<void>;
}
