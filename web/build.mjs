// Bundles the web UI: web/src/main.js and web/src/app.css (with Leaflet's CSS)
// into one directory that `gridgov serve --web DIR` serves. Everything the
// page loads comes from this directory: no CDN, no map tiles.
//
//   node web/build.mjs [outdir]     default web/dist
import { build as esbuild } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWeb(outdir = join(here, 'dist'), { minify = true } = {}) {
  outdir = resolve(outdir);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const common = {
    bundle: true,
    minify,
    sourcemap: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    logLevel: 'warning',
    legalComments: 'linked',
  };
  await esbuild({
    ...common,
    entryPoints: { app: join(here, 'src', 'main.js') },
    format: 'esm',
    splitting: true, // ECharts is a chunk of its own, loaded by the screens that chart
    chunkNames: 'chunk-[hash]',
    outdir,
  });
  await esbuild({
    ...common,
    entryPoints: { app: join(here, 'src', 'app.css') },
    outdir,
    loader: { '.png': 'file', '.svg': 'file' },
    assetNames: 'img/[name]-[hash]',
  });
  await copyFile(join(here, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildWeb(process.argv[2]);
  console.log(`web UI built in ${out}`);
}
