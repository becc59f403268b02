// Finishes a built site (run by scripts/build.sh after `trunk build`; idempotent):
//   1. the Content-Security-Policy: a <meta http-equiv> first in <head>, with the sha256 of
//      every inline script Trunk emitted (its wasm init module), see SECURITY.md;
//   2. the build version: a hash of every built file, in <meta name="blocklab-build">;
//   3. sw.js from assets/sw.js with that version and the list of files to precache;
//   and, first, two fixes of what Trunk 0.21 emits that Chromium warns about on every load:
//   the worker loader's deprecated `wasm_bindgen(path)` call (wasm-bindgen >= 0.2.93 wants
//   `{ module_or_path }`), and `integrity` on the wasm's `<link rel="preload" as="fetch">`,
//   which Chromium ignores (the wasm is fetched by the init code, never checked).
// `node scripts/finish-site.mjs [dist]`; `finishSite(dir)` for the tests (a changed build).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const SW_TEMPLATE = resolve(here, '../assets/sw.js');
const MARK = 'data-blocklab-finish';

/**
 * The policy. connect-src: the site's own files, plus the JSON-RPC node the user types on the
 * Network screen: any https: origin, and plain http only on the loopback (a local anvil or
 * Hardhat node). That is what a browser lets an https page reach anyway (mixed content);
 * a meta policy cannot be widened at run time for the one URL the user entered.
 */
export function policy(scriptHashes) {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${scriptHashes.map((h) => ` 'sha256-${h}'`).join('')}`,
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else out.push(path);
  }
  return out;
}

/** Drops `integrity` from `<link rel="preload" … as="fetch">` (Chromium ignores it there). */
export function withoutIgnoredIntegrity(html) {
  return html.replace(/<link\b[^>]*>/g, (link) => (/\brel="?preload"?/.test(link) && /\bas="?fetch"?/.test(link)
    ? link.replace(/\s+integrity="[^"]*"/, '')
    : link));
}

/** Rewrites Trunk's worker loader shims to wasm-bindgen's current init form. */
function modernWorkerLoaders(root) {
  for (const name of readdirSync(root).filter((n) => n.endsWith('_loader.js'))) {
    const path = join(root, name);
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/wasm_bindgen\(("[^"]+\.wasm")\)/g, 'wasm_bindgen({ module_or_path: $1 })');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

/** Finishes the site in `dir`; returns { version, csp, files }. */
export function finishSite(dir) {
  const root = resolve(dir);
  const indexPath = join(root, 'index.html');
  // Idempotent: drop what an earlier run injected.
  let html = readFileSync(indexPath, 'utf8').replace(new RegExp(`\\n?[ \\t]*<meta [^>]*${MARK}[^>]*>`, 'g'), '');
  html = withoutIgnoredIntegrity(html);
  modernWorkerLoaders(root);
  const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => createHash('sha256').update(m[1], 'utf8').digest('base64'));
  const csp = policy(hashes);
  html = html.replace(/<meta charset="utf-8"\s*\/?>/, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${csp}" ${MARK} />`);
  if (!html.includes(csp)) throw new Error('index.html has no <meta charset="utf-8" /> to put the policy after');

  const site = files(root).filter((p) => relative(root, p) !== 'sw.js' && relative(root, p) !== 'index.html');
  // The version covers every file and the worker's own code (a change to either is an update).
  const digest = createHash('sha256').update(html).update(readFileSync(SW_TEMPLATE));
  for (const p of site) digest.update(relative(root, p)).update('\0').update(readFileSync(p));
  const version = digest.digest('hex').slice(0, 16);
  html = html.replace(`${MARK} />`, `${MARK} />\n    <meta name="blocklab-build" content="${version}" ${MARK} />`);
  writeFileSync(indexPath, html);

  const precache = ['./', './index.html', ...site.map((p) => `./${relative(root, p).split(sep).join('/')}`)];
  const sw = readFileSync(SW_TEMPLATE, 'utf8')
    .replace('__BLOCKLAB_VERSION__', version)
    .replace('[] /* __BLOCKLAB_FILES__ */', JSON.stringify(precache, null, 2));
  if (sw.includes('__BLOCKLAB_')) throw new Error('assets/sw.js lost a placeholder finish-site.mjs fills');
  writeFileSync(join(root, 'sw.js'), sw);
  return { version, csp, files: precache };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { version, files: list } = finishSite(process.argv[2] || resolve(here, '../dist'));
  console.log(`finish-site: build ${version}, CSP in index.html, sw.js precaches ${list.length} files`);
}
