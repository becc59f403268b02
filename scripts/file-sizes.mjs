#!/usr/bin/env node
// Fails when a source file of the app (`src/`) or of the core (`crates/core/src`) has more than
// 500 lines before its inline tests (issue 15: "no source file over 500 lines before its inline
// tests"). Test files (`tests.rs`, `*_tests.rs`) are left out. Prints each file over the limit
// and exits 1; prints "ok" and exits 0 otherwise.
//
// Usage: node scripts/file-sizes.mjs [dir ...]   (default: src crates/core/src)
import { readFileSync } from 'node:fs';
import { isTestFile, rustFiles } from './rust-sources.mjs';

const LIMIT = 500;
const roots = process.argv.slice(2);
if (roots.length === 0) roots.push('src', 'crates/core/src');

const over = [];
for (const root of roots) {
  for (const p of rustFiles(root).filter((f) => !isTestFile(f))) {
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
