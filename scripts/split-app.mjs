// Splits the app's wasm into a main module and modules loaded on demand (Trunk post_build hook,
// see Trunk.toml; `node scripts/split-app.mjs STAGING_DIR` by hand).
//
// Trunk has built the app with the `split` feature (index.html), so the screens declared with
// `split_screen!` in src/app.rs are split points, and the linker kept relocations (build.rs). This
// script re-runs the last steps of Trunk's pipeline on cargo's output with the split in between:
//   1. wasm-split-cli (crate wasm_split_cli_support, pinned in scripts/setup.sh): the main
//      module, one module per split point plus chunks of code they share, and the loader
//      `__wasm_split.js` that fetches them;
//   2. wasm-bindgen on the main module (as Trunk runs it, plus --keep-lld-exports: the split
//      modules import the main module's table, memory and stack pointer);
//   3. wasm-opt (release builds): -Oz for every module, as index.html's data-wasm-opt="z";
//   4. the split modules and the loader get content-hashed names; the main module and its JS
//      keep Trunk's names, replace Trunk's files in the staging folder, and index.html's
//      integrity attributes are recomputed for them; the loader is preloaded beside the JS.
// scripts/finish-site.mjs then adds the CSP and precaches every file (the split modules too).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const LINK = '__wasm_split.js';
// Rust's default wasm32 features and +simd128 (.cargo/config.toml): the split modules carry no
// target_features section, so wasm-opt is told.
const FEATURES = [
  '--enable-bulk-memory', '--enable-multivalue', '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int', '--enable-reference-types', '--enable-sign-ext',
  '--enable-simd',
];

// wasm-opt warns about the name subsections wasm-split-cli writes (harmless: names only).
const NAME_WARNING = /^warning: (unknown name subsection|global index out of bounds in name section)/;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  const errors = (r.stderr || '').split('\n').filter((l) => l && !NAME_WARNING.test(l));
  if (errors.length) process.stderr.write(`${errors.join('\n')}\n`);
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`split-app: ${cmd} failed (exit ${r.status})`);
}

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return resolve(root, process.env.CARGO_TARGET_DIR);
  const meta = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--offline'], { cwd: root, maxBuffer: 64 << 20 });
  return JSON.parse(meta).target_directory;
}

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

export function splitApp(staging, profile = 'release') {
  const staged = readdirSync(staging);
  const js = staged.find((f) => /^app-[0-9a-f]+\.js$/.test(f));
  if (!js || !staged.includes(js.replace(/\.js$/, '_bg.wasm'))) {
    throw new Error(`split-app: no app-<hash>.js and _bg.wasm from Trunk in ${staging}`);
  }
  const stem = js.replace(/\.js$/, '');
  const input = join(targetDir(), 'wasm32-unknown-unknown', profile, 'app.wasm');
  const work = mkdtempSync(join(tmpdir(), 'blocklab-split-'));
  try {
    run('wasm-split-cli', [input, work, '--out-name', stem]);
    const modules = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${stem}.wasm`);
    if (!modules.some((f) => f.startsWith('split_'))) {
      throw new Error('split-app: wasm-split-cli found no split point (is the `split` feature on?)');
    }
    const bg = join(work, 'bindgen');
    run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', bg, '--out-name', stem, join(work, `${stem}.wasm`)]);
    const optimise = (from, to) => {
      if (profile === 'release') run('wasm-opt', ['-Oz', ...FEATURES, from, '-o', to]);
      else writeFileSync(to, readFileSync(from));
    };
    // The split modules, content-hashed; the loader names them.
    let loader = readFileSync(join(work, LINK), 'utf8');
    let splitBytes = 0;
    for (const name of modules) {
      const out = join(work, `opt-${name}`);
      optimise(join(work, name), out);
      const bytes = readFileSync(out);
      splitBytes += bytes.length;
      const hashed = name.replace(/\.wasm$/, `-${hash(bytes)}.wasm`);
      const ref = `"./${name}"`;
      if (!loader.includes(ref)) throw new Error(`split-app: ${LINK} does not load ${name}`);
      loader = loader.replaceAll(ref, `"./${hashed}"`);
      writeFileSync(join(staging, hashed), bytes);
    }
    const linkName = `__wasm_split-${hash(loader)}.js`;
    writeFileSync(join(staging, linkName), loader);
    // The main module: its JS imports the loader under its new name. Only the import
    // statements change: the import object's keys are the wasm's import module names.
    let glue = readFileSync(join(bg, `${stem}.js`), 'utf8');
    if (!glue.includes(`from "./${LINK}"`)) throw new Error(`split-app: ${stem}.js does not import ${LINK}`);
    glue = glue.replaceAll(`from "./${LINK}"`, `from "./${linkName}"`);
    optimise(join(bg, `${stem}_bg.wasm`), join(staging, `${stem}_bg.wasm`));
    writeFileSync(join(staging, js), glue);
    // Trunk's integrity attributes named the unsplit files.
    const indexPath = join(staging, 'index.html');
    let html = readFileSync(indexPath, 'utf8');
    for (const file of [js, `${stem}_bg.wasm`]) {
      const digest = sri(readFileSync(join(staging, file)));
      const re = new RegExp(`(href="\\./${file.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*"`);
      if (!re.test(html)) throw new Error(`split-app: index.html has no integrity for ${file}`);
      html = html.replace(re, `$1${digest}"`);
    }
    // The main module's JS imports the loader: preloaded beside it, the two arrive together
    // instead of one after the other before the main module can start.
    const preload = `<link rel="modulepreload" href="./${js}"`;
    if (!html.includes(preload)) throw new Error(`split-app: index.html does not preload ${js}`);
    html = html.replace(preload, `<link rel="modulepreload" href="./${linkName}" crossorigin="anonymous" integrity="${sri(Buffer.from(loader))}">${preload}`);
    writeFileSync(indexPath, html);
    const main = readFileSync(join(staging, `${stem}_bg.wasm`)).length;
    console.log(`split-app: ${stem}_bg.wasm ${main} B, ${modules.length} modules on demand ${splitBytes} B, loader ${linkName}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const staging = process.argv[2] || process.env.TRUNK_STAGING_DIR;
  if (!staging) throw new Error('usage: node scripts/split-app.mjs STAGING_DIR (or run by Trunk)');
  splitApp(resolve(staging), process.env.TRUNK_PROFILE || 'release');
}
