/** Env overrides; `undefined` removes a variable inherited from the calling process. */
export type EnvOverrides = Record<string, string | undefined>;

/** `base` with `overrides` applied in order (later wins, `undefined` deletes). */
export function withEnv(base: NodeJS.ProcessEnv, ...overrides: EnvOverrides[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const layer of overrides) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  }
  return env;
}
