import { CoreError } from '../errors.js';
import type { DatasetAliases } from '../../ports/dataset-aliases.js';
import type { LoadedData, PackageRegistry, RegistryDocument, RegistryStats } from '../../ports/package-registry.js';

/** The owner of a dataset: `package.owner`, else the id's part before the first `:` (the id is `<owner>:<slug>`). */
function ownerOf(document: RegistryDocument): string | undefined {
  const owner = document.package?.owner;
  return typeof owner === 'string' ? owner : document.id.split(':')[0];
}

/** publish / delete / update_params / stats on loaded datasets, always with an owner check. */
export class PackageAdminService {
  constructor(
    private readonly registry: PackageRegistry,
    private readonly loaded: LoadedData,
    private readonly aliases: DatasetAliases,
  ) {}

  /** `publish` is true, false or toggle (any case); answers whether the dataset is now public. */
  async publish(userid: string, id: string, publish: string): Promise<boolean> {
    const mode = publish.toLowerCase();
    if (mode !== 'true' && mode !== 'false' && mode !== 'toggle') throw new CoreError('invalid-argument', 'publish must be true, false or toggle');
    const document = await this.owned(userid, id);
    // A document without the flag counts as public, as in the reference (and in search).
    const wasPrivate = document.package?.private === true;
    const nowPrivate = mode === 'toggle' ? !wasPrivate : mode === 'false';
    await this.registry.updatePackage(document.id, { private: nowPrivate });
    await this.loaded.setPublished(document.id, !nowPrivate);
    return !nowPrivate;
  }

  /** Removes the registry document and everything loaded for the dataset. */
  async delete(userid: string, id: string): Promise<void> {
    const { id: currentId } = await this.owned(userid, id);
    await this.loaded.remove(currentId);
    await this.registry.delete(currentId);
  }

  /** Stores the whole body as `package.defaultParams`; it must have a string `params`. */
  async updateParams(userid: string, id: string, body: Record<string, unknown> | undefined): Promise<void> {
    if (!body || typeof body.params !== 'string') throw new CoreError('invalid-argument', 'The body must be a JSON object with a string `params`');
    if (JSON.stringify(body).length > 65_536) throw new CoreError('invalid-argument', 'The parameters must be at most 64 KiB of JSON');
    const { id: currentId } = await this.owned(userid, id);
    await this.registry.updatePackage(currentId, { defaultParams: body });
  }

  stats(): Promise<RegistryStats> {
    return this.registry.stats();
  }

  /** The user's dataset, also by a former id (see DatasetAliases). */
  private async owned(userid: string, id: string): Promise<RegistryDocument> {
    if (!id) throw new CoreError('invalid-argument', 'id is required');
    const document = id.length <= 512 ? ((await this.registry.get(id)) ?? (await this.formerlyNamed(id))) : null;
    if (!document) throw new CoreError('not-found', `Failed to locate package ${id.slice(0, 200)}`);
    if (ownerOf(document) !== userid) throw new CoreError('permission-denied', 'Only the owner may change this package');
    return document;
  }

  private async formerlyNamed(id: string): Promise<RegistryDocument | null> {
    const currentId = await this.aliases.currentId(id);
    return currentId === id ? null : this.registry.get(currentId);
  }
}
