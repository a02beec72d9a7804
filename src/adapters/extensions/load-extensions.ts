import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import createAdminsProvider from '../../extensions/admins.permissions.js';
import createAuditLog from '../../extensions/audit-log.hooks.js';
import type { ExtensionContext } from '../../extensions/extension-context.js';
import type { LifecycleHooks, PermissionProvider } from '../../ports/auth-extensions.js';

type Factory<T> = (context: ExtensionContext) => T;

/** Extensions shipped with Conductor, by name; anything else is a module path loaded at start. */
const builtIn: Record<string, Factory<unknown>> = {
  admins: createAdminsProvider,
  'audit-log': createAuditLog,
};

async function load<T>(specifier: string, context: ExtensionContext): Promise<T> {
  const factory =
    builtIn[specifier] ??
    ((await import(pathToFileURL(resolve(specifier)).href)) as { default?: Factory<unknown> }).default;
  if (typeof factory !== 'function') throw new Error(`auth extension ${specifier} has no default export function`);
  return factory(context) as T;
}

/** Permission providers by service (CONDUCTOR_PERMISSION_PROVIDERS). */
export async function loadPermissionProviders(
  entries: { service: string; module: string }[],
  context: ExtensionContext,
): Promise<Map<string, PermissionProvider>> {
  const providers = new Map<string, PermissionProvider>();
  for (const { service, module } of entries) {
    const provider = await load<PermissionProvider>(module, context);
    if (typeof provider?.getPermissions !== 'function') throw new Error(`permission provider ${module} has no getPermissions(service, userid)`);
    providers.set(service, provider);
  }
  return providers;
}

/** Life-cycle hooks (CONDUCTOR_AUTH_EXTENSIONS), in the configured order. */
export async function loadLifecycleHooks(modules: string[], context: ExtensionContext): Promise<LifecycleHooks[]> {
  return Promise.all(modules.map((module) => load<LifecycleHooks>(module, context)));
}
