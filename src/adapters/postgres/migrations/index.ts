import { Migration20261123000000Permissions } from './Migration20261123000000Permissions.js';
import { Migration20261123010000Users } from './Migration20261123010000Users.js';
import { Migration20261123020000WorkPackages } from './Migration20261123020000WorkPackages.js';
import { Migration20261123030000LoadCheckpoints } from './Migration20261123030000LoadCheckpoints.js';
import { Migration20261124000000PackageLoads } from './Migration20261124000000PackageLoads.js';
import { Migration20261124010000PathSafeFileIds } from './Migration20261124010000PathSafeFileIds.js';
import { Migration20261207000000DatasetIdAliases } from './Migration20261207000000DatasetIdAliases.js';

/** Every migration, in order. Listed explicitly so they run from compiled code without file globbing. */
export const migrations = [
  { name: 'Migration20261123000000Permissions', class: Migration20261123000000Permissions },
  { name: 'Migration20261123010000Users', class: Migration20261123010000Users },
  { name: 'Migration20261123020000WorkPackages', class: Migration20261123020000WorkPackages },
  { name: 'Migration20261123030000LoadCheckpoints', class: Migration20261123030000LoadCheckpoints },
  { name: 'Migration20261124000000PackageLoads', class: Migration20261124000000PackageLoads },
  { name: 'Migration20261124010000PathSafeFileIds', class: Migration20261124010000PathSafeFileIds },
  { name: 'Migration20261207000000DatasetIdAliases', class: Migration20261207000000DatasetIdAliases },
];
