/** A dataset as the work-package service sees it. */
export interface DatasetRecord {
  id: string;
  owner: string;
  title: string;
  description: string | null;
  stage: string;
  published: boolean;
  files: { id: string; extension: string }[];
}

/** A stored work package. */
export interface WorkPackageRecord {
  id: string;
  datasetId: string;
  type: string;
  files: Record<string, string>;
  userId: string;
  fullUserName: string;
  email: string;
  userPublicCrypt4ghKey: string;
  tokenHash: string;
  created: Date;
  expires: Date;
}

/** Datasets, grants and work packages (PostgreSQL). */
export interface WorkPackageStore {
  findDataset(id: string): Promise<DatasetRecord | null>;
  /** Datasets the user owns, was granted, or that are published. */
  accessibleDatasets(userId: string): Promise<DatasetRecord[]>;
  hasGrant(userId: string, datasetId: string): Promise<boolean>;
  grant(userId: string, datasetId: string): Promise<void>;
  revoke(userId: string, datasetId: string): Promise<void>;
  saveWorkPackage(workPackage: WorkPackageRecord): Promise<void>;
  /** A work package and its dataset (null if the dataset is gone), in one read: every use of a work package checks both. */
  findWorkPackageInUse(id: string): Promise<{ workPackage: WorkPackageRecord; dataset: DatasetRecord | null } | null>;
}
