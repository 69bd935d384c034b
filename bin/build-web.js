#!/usr/bin/env node
// Builds the web console into web/dist with Vite, unless it is already built from the same sources.
// `--force` rebuilds anyway. Writes .gz and .br next to each JS and CSS file and prints their sizes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const stampFile = join(dist, '.build-hash');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function sourceHash() {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(join(web, 'src')), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'package-lock.json')].sort();
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
const force = process.argv.includes('--force');
if (!force && existsSync(join(dist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted) {
  console.log('web console: web/dist is up to date');
  process.exit(0);
}

const { build } = await import('vite');
const started = Date.now();
await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
writeFileSync(stampFile, wanted);

const assets = join(dist, 'assets');
let raw = 0;
let gzip = 0;
const rows = [];
for (const name of readdirSync(assets)) {
  if (!/\.(js|css)$/.test(name)) continue;
  const body = readFileSync(join(assets, name));
  // Compressed once here; the server sends these to browsers that accept them (no per-request cost).
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(join(assets, `${name}.gz`), gz);
  writeFileSync(join(assets, `${name}.br`), brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }));
  const zipped = gz.length;
  raw += statSync(join(assets, name)).size;
  gzip += zipped;
  rows.push(`  ${name.padEnd(40)} ${(body.length / 1024).toFixed(1).padStart(8)} KiB  ${(zipped / 1024).toFixed(1).padStart(7)} KiB gz`);
}
console.log(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s:\n${rows.sort().join('\n')}\n  total ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzipped`);
