/**
 * Module resolution for code the worker loads from outside this repository (startup directories,
 * uploaded scripts written to a temp file): `@ophyd-service/*` packages resolve to the worker's
 * own copies wherever the importing file lives, and `queueserver:namespace` is a module whose
 * exports are the names defined so far — what a Python startup file or script sees as globals.
 */
import { registerHooks } from 'node:module';

/** The specifier startup code imports earlier definitions from: `import { det1 } from 'queueserver:namespace'`. */
export const NAMESPACE_SPECIFIER = 'queueserver:namespace';

const VALUES_KEY = Symbol.for('ophyd-service.queueserver.namespace-values');
type Global = { [VALUES_KEY]?: () => Record<string, unknown> };

let installed = false;
let imports = 0;

/** Makes `values` what `queueserver:namespace` exports to modules loaded from now on. */
export function setVisibleNamespace(values: Record<string, unknown>): void {
  (globalThis as Global)[VALUES_KEY] = () => values;
}

/** Installs the resolution hooks once per process. */
export function installModuleHooks(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      // Each import gets its own URL, so it sees the namespace as it is at that moment.
      if (specifier === NAMESPACE_SPECIFIER)
        return { url: `${NAMESPACE_SPECIFIER}?${imports++}`, shortCircuit: true };
      if (!specifier.startsWith('@ophyd-service/')) return nextResolve(specifier, context);
      try {
        return nextResolve(specifier, context);
      } catch {
        return nextResolve(specifier, { ...context, parentURL: import.meta.url });
      }
    },
    load(url, context, nextLoad) {
      if (!url.startsWith(`${NAMESPACE_SPECIFIER}?`)) return nextLoad(url, context);
      const values = (globalThis as Global)[VALUES_KEY]?.() ?? {};
      const lines = [`const values = globalThis[Symbol.for(${JSON.stringify(VALUES_KEY.description)})]();`];
      Object.keys(values).forEach((name, i) => {
        const key = JSON.stringify(name);
        lines.push(`const v${i} = values[${key}];`, `export { v${i} as ${key} };`);
      });
      return { format: 'module', source: lines.join('\n'), shortCircuit: true };
    },
  });
}
