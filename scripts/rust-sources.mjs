// What scripts/module-cycles.mjs and scripts/file-sizes.mjs read: the `.rs` files under a
// folder, and which of them are test files (`tests.rs`, `*_tests.rs`).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.rs` file under `dir`. */
export function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? rustFiles(p) : p.endsWith('.rs') ? [p] : [];
  });
}

/** Whether `path` is a test file (`tests.rs` or `*_tests.rs`). */
export const isTestFile = (path) => /(^|[/\\])(tests|[a-z0-9_]+_tests)\.rs$/.test(path);
