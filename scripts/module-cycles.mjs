#!/usr/bin/env node
// Fails when a module of the app (`src/`) or of the core (`crates/core/src`) imports, directly
// or through others, a module that imports it back (issue 15: "no module imports one that
// imports it back"). Prints every such circle and exits 1; prints "ok" and exits 0 otherwise.
//
// What counts as an import of module B by module A: a `use` path or an inline `crate::…` /
// `super::…` / `self::…` path in A's code (comments and `#[cfg(test)]` code left out; test
// files `tests.rs` / `*_tests.rs` skipped) that names B or an item of B. A path is resolved to
// the longest module that exists. Two kinds of reference are containment, not imports, and are
// left out: a module naming one of its ancestors (`use super::AppState` in a child of
// `state`), and one naming its own descendants (a parent using what its children define).
// Every other reference is an edge; a strongly connected component of two or more modules is
// a circle.
//
// Usage: node scripts/module-cycles.mjs [crate-src-dir ...]   (default: src crates/core/src)
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { isTestFile, rustFiles } from './rust-sources.mjs';

const roots = process.argv.slice(2);
if (roots.length === 0) roots.push('src', 'crates/core/src');


/** The module path (`a::b`) of a file relative to the crate's source root; '' is the root. */
function moduleOf(rel) {
  const parts = rel.replace(/\.rs$/, '').split(sep);
  const last = parts[parts.length - 1];
  if (last === 'mod' || (parts.length === 1 && (last === 'lib' || last === 'main'))) parts.pop();
  if (parts[0] === 'bin') return null; // each binary is a crate of its own
  return parts.join('::');
}

/** The code without comments, string contents, or what follows the first `#[cfg(test)]`. */
function code(text) {
  const cut = text.search(/^\s*#\[cfg\(test\)\]/m);
  if (cut >= 0) text = text.slice(0, cut);
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/r#*"[\s\S]*?"#*/g, '""')
    .replace(/"(?:\\.|[^"\\])*"/g, '""');
}

/** Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`. */
function expand(path) {
  path = path.replace(/\s+/g, '');
  const open = path.indexOf('{');
  if (open < 0) return [path.replace(/\bas\b.*$/, '')];
  const prefix = path.slice(0, open);
  let depth = 0;
  let close = -1;
  for (let i = open; i < path.length; i++) {
    if (path[i] === '{') depth++;
    if (path[i] === '}' && --depth === 0) { close = i; break; }
  }
  const inner = path.slice(open + 1, close);
  const parts = [];
  let start = 0;
  depth = 0;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if ((ch === ',' && depth === 0) || i === inner.length) {
      const part = inner.slice(start, i);
      if (part) parts.push(part);
      start = i + 1;
    }
  }
  return parts.flatMap((part) => (part === 'self' ? [prefix.replace(/::$/, '')] : expand(prefix + part)));
}

const circles = [];
for (const root of roots) {
  const modules = new Map(); // module path -> code
  for (const file of rustFiles(root)) {
    const rel = relative(root, file);
    if (isTestFile(rel)) continue;
    const module = moduleOf(rel);
    if (module === null) continue;
    modules.set(module, code(readFileSync(file, 'utf8')));
  }
  const segments = (m) => (m === '' ? [] : m.split('::'));
  /** Resolves a path written in module `from` to the longest existing module it names. */
  function resolve(from, path) {
    let parts = path.split('::').filter(Boolean);
    let base;
    if (parts[0] === 'crate') { base = []; parts = parts.slice(1); }
    else if (parts[0] === 'self') { base = segments(from); parts = parts.slice(1); }
    else if (parts[0] === 'super') {
      base = segments(from);
      while (parts[0] === 'super') { base = base.slice(0, -1); parts = parts.slice(1); }
    } else {
      // A path relative to the current module (`use child::X`) or an outside crate.
      base = segments(from);
      if (!modules.has([...base, parts[0]].join('::'))) return null;
    }
    let found = base.join('::');
    for (let i = 0; i < parts.length; i++) {
      const candidate = [...base, ...parts.slice(0, i + 1)].join('::');
      if (modules.has(candidate)) found = candidate; else break;
    }
    return modules.has(found) ? found : null;
  }
  const isPrefix = (a, b) => a === '' || b === a || b.startsWith(`${a}::`);
  const edges = new Map([...modules.keys()].map((m) => [m, new Set()]));
  for (const [from, text] of modules) {
    const paths = [];
    for (const m of text.matchAll(/\buse\s+([^;]+);/g)) paths.push(...expand(m[1]));
    const rest = text.replace(/\buse\s+[^;]+;/g, ' ');
    for (const m of rest.matchAll(/\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)/g)) paths.push(m[1]);
    for (const path of paths) {
      const to = resolve(from, path);
      if (to === null || to === from) continue;
      if (isPrefix(to, from) || isPrefix(from, to)) continue; // containment, see above
      edges.get(from).add(to);
    }
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  function connect(v) {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of edges.get(v)) {
      if (!idx.has(w)) { connect(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do { w = stack.pop(); on.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1) {
        const inside = new Set(component);
        const lines = component.sort().map((m) => `    ${m || '(root)'} -> ${[...edges.get(m)].filter((t) => inside.has(t)).sort().join(', ')}`);
        circles.push(`${root}: ${component.length} modules import each other:\n${lines.join('\n')}`);
      }
    }
  }
  for (const v of modules.keys()) if (!idx.has(v)) connect(v);
}

if (circles.length) {
  console.error(`module circles (issue 15: no module imports one that imports it back):\n${circles.join('\n')}`);
  process.exit(1);
}
console.log(`ok: no module circles in ${roots.join(', ')}`);
