/**
 * Where the built editor lives (`pnpm --filter @splice/editor build` writes it): the server serves this
 * directory at `/`. A URL, not a path, so this module stays free of node: imports; on the server side use
 * `fileURLToPath(EDITOR_DIST_URL)`.
 */
export const EDITOR_DIST_URL = new URL('../dist/', import.meta.url);
