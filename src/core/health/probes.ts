/** A backend's probe: resolves when the backend answers. */
export type Probe = () => Promise<unknown>;

/** Runs every probe at once, each bounded by `timeoutMs`; answers which backends answered. */
export async function runProbes<Name extends string>(probes: Record<Name, Probe>, timeoutMs = 2_000): Promise<Record<Name, boolean>> {
  const entries = await Promise.all(
    (Object.entries(probes) as [Name, Probe][]).map(async ([name, probe]) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error('timeout')), timeoutMs)));
      const up = await Promise.race([probe(), timeout]).then(
        () => true,
        () => false,
      );
      clearTimeout(timer);
      return [name, up] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Name, boolean>;
}
