#!/usr/bin/env node
// Fails when a source file of the app (`src/`) or of the core (`crates/core/src`) has more than
// 500 lines before its inline tests (issue 15: "no source file over 500 lines before its inline
// tests"). Test files (`tests.rs`, `*_tests.rs`) are left out. Prints each file over the limit
// and exits 1; prints "ok" and exits 0 otherwise.
//
// Usage: node scripts/file-sizes.mjs [dir ...]   (default: src crates/core/src)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 500;
const roots = process.argv.slice(2);
if (roots.length === 0) roots.push('src', 'crates/core/src');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.rs') ? [p] : [];
  });
}

const isTest = (p) => /(^|\/)tests\.rs$|_tests\.rs$/.test(p);
const over = [];
for (const root of roots) {
  for (const p of files(root).filter((f) => !isTest(f))) {
    const lines = readFileSync(p, 'utf8').split('\n');
    const end = lines.findIndex((l) => l.startsWith('#[cfg(test)]'));
    const n = end === -1 ? lines.length - (lines.at(-1) === '' ? 1 : 0) : end;
    if (n > LIMIT) over.push(`${p}: ${n} lines before its tests (at most ${LIMIT})`);
  }
}
if (over.length) {
  console.error(over.join('\n'));
  process.exit(1);
}
console.log('ok');
