import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Sealer } from '../../ports/sealer.js';
import type { InternalUser, WorkOrderTokenSigner } from '../../ports/work-package-tokens.js';
import type { DatasetRecord, WorkPackageRecord, WorkPackageStore } from '../../ports/work-package-store.js';
import { accessTokenHash, newAccessToken } from './access-token.js';
import { normaliseCrypt4ghKey } from './crypt4gh-key.js';

/** The body of `POST /work-packages`. */
export interface CreateWorkPackageInput {
  datasetId: string;
  type: string;
  /** undefined = every file of the dataset. */
  fileIds: unknown[] | undefined;
  userPublicCrypt4ghKey: string;
}

/** An optional external access check (GHGA's access service), asked in addition to Conductor's own rules. */
export type ExternalAccessCheck = (userId: string, datasetId: string) => Promise<boolean>;

const forbidden = (message: string) => new CoreError('permission-denied', message);

/** GHGA's work-package service (2.0.6) over Conductor's datasets. */
export class WorkPackageService {
  constructor(
    private readonly store: WorkPackageStore,
    private readonly sealer: Sealer,
    private readonly signer: WorkOrderTokenSigner | undefined,
    private readonly settings: { validDays: number },
    private readonly externalAccess?: ExternalAccessCheck,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a work package; answers its id and the access token sealed to the user's key. */
  async create(user: InternalUser, input: CreateWorkPackageInput): Promise<{ id: string; token: string }> {
    if (!input.datasetId) throw new CoreError('unprocessable', 'dataset_id: Field required');
    if (input.type !== 'download' && input.type !== 'upload') throw new CoreError('unprocessable', "type: Input should be 'download' or 'upload'");
    const fileIds = input.fileIds?.map((fileId) => {
      if (typeof fileId !== 'string') throw new CoreError('unprocessable', 'file_ids: Input should be a list of strings');
      return fileId;
    });
    const key = normaliseCrypt4ghKey(input.userPublicCrypt4ghKey);
    if (input.type !== 'download') throw forbidden('Unsupported work type');
    // Found by a former id too; access is then checked on the dataset's current id.
    const dataset = await this.store.findDataset(input.datasetId);
    if (!(await this.mayAccess(user.id, dataset?.id ?? input.datasetId, dataset))) throw forbidden('Missing dataset access permission');
    if (!dataset) throw forbidden('Cannot determine dataset files');
    const wanted = fileIds ? new Set(fileIds) : undefined;
    const files = Object.fromEntries(dataset.files.filter((file) => !wanted || wanted.has(file.id)).map((file) => [file.id, file.extension]));
    if (!Object.keys(files).length) throw forbidden('No existing files have been specified');

    const token = newAccessToken();
    const created = this.now();
    const record: WorkPackageRecord = {
      id: randomUUID(),
      datasetId: dataset.id,
      type: input.type,
      files,
      userId: user.id,
      fullUserName: user.title ? `${user.title} ${user.name}` : user.name,
      email: user.email,
      userPublicCrypt4ghKey: key,
      tokenHash: accessTokenHash(token),
      created,
      expires: new Date(created.getTime() + this.settings.validDays * 24 * 3600 * 1000),
    };
    await this.store.saveWorkPackage(record);
    return { id: record.id, token: await this.sealer.seal(token, key) };
  }

  /** A work package, for the bearer of its access token. */
  async get(id: string, accessToken: string | undefined): Promise<WorkPackageRecord> {
    return this.checked(id, accessToken);
  }

  /** A sealed 30-second work order token for one file of the work package. */
  async workOrderToken(id: string, fileId: string, accessToken: string | undefined): Promise<string> {
    const workPackage = await this.checked(id, accessToken);
    if (!(fileId in workPackage.files)) throw forbidden('File is not contained in work package');
    if (!this.signer) throw new CoreError('unavailable', 'Work order tokens are not configured (WORK_PACKAGE_SIGNING_KEY)');
    const signed = await this.signer.sign({
      type: workPackage.type,
      file_id: fileId,
      user_id: workPackage.userId,
      user_public_crypt4gh_key: workPackage.userPublicCrypt4ghKey,
      full_user_name: workPackage.fullUserName,
      email: workPackage.email,
    });
    return this.sealer.seal(signed, workPackage.userPublicCrypt4ghKey);
  }

  /** The datasets a user may create work packages for; only for that user. */
  async datasetsOf(user: InternalUser, userId: string): Promise<DatasetRecord[]> {
    if (userId !== user.id) throw forbidden('Not authorized to get datasets');
    return this.store.accessibleDatasets(userId);
  }

  grant(userId: string, datasetId: string): Promise<void> {
    return this.store.grant(userId, datasetId);
  }

  revoke(userId: string, datasetId: string): Promise<void> {
    return this.store.revoke(userId, datasetId);
  }

  /** GHGA's checks, in its order; access is asked again on every use, so a revocation stops a work package at once. */
  private async checked(id: string, accessToken: string | undefined): Promise<WorkPackageRecord> {
    if (!accessToken) throw new CoreError('unauthenticated', 'Not authenticated');
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await this.store.findWorkPackageInUse(id) : null;
    if (!found) throw forbidden('Work package not found');
    const { workPackage, dataset } = found;
    if (accessTokenHash(accessToken) !== workPackage.tokenHash) throw forbidden('Invalid work package access token');
    const now = this.now().getTime();
    if (now < workPackage.created.getTime() || now > workPackage.expires.getTime()) throw forbidden('Work package has expired');
    if (!(await this.mayAccess(workPackage.userId, workPackage.datasetId, dataset))) {
      throw forbidden('Access has been revoked');
    }
    return workPackage;
  }

  private async mayAccess(userId: string, datasetId: string, dataset: DatasetRecord | null): Promise<boolean> {
    if (dataset && (dataset.owner === userId || dataset.published)) return true;
    if (await this.store.hasGrant(userId, datasetId)) return true;
    return this.externalAccess ? this.externalAccess(userId, datasetId).catch(() => false) : false;
  }
}
