/** Types of bundle.mjs (plain JavaScript: it runs before any TypeScript can). */
export function freshBundle(entry: string, options?: { modules?: readonly string[] }): string | undefined;
export function buildBundle(entry: string, options?: { modules?: readonly string[] }): Promise<string>;
export function bundleOf(entry: string, options?: { modules?: readonly string[] }): Promise<string | undefined>;
export function bundleOfSync(node: string, entry: string, options?: { modules?: readonly string[] }): string | undefined;
export function keptBuild(name: string, build: () => Promise<{ text: string; sources: string[] }>): Promise<string>;
export function kept(name: string): string | undefined;
export function keep(name: string, text: string): void;
