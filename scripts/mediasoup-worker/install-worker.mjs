#!/usr/bin/env node
// Root postinstall: gives the installed mediasoup package a worker binary built
// offline from the npm tarball's own C++ sources against Debian libraries.
//
//   cache hit  → copy ~/.cache/minimeet/mediasoup-worker/<version>-<recipe hash>/mediasoup-worker
//                into node_modules/mediasoup/worker/out/Release/ (seconds)
//   cache miss → install Debian build packages if missing, patch meson files,
//                meson + ninja build (about 3 minutes on 2 cores), fill the cache.
//
// Env: MINIMEET_WORKER_CACHE (cache root), MINIMEET_WORKER_JOBS (ninja -j),
//      MEDIASOUP_WORKER_BIN (if set to an existing file, nothing is built).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuildPackages } from './build-packages.mjs';
import { InstallError } from './errors.mjs';
import { patchWorkerTree } from './patch-meson.mjs';
import { patchWorkerSources } from './patch-sources.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const COMPAT_INCLUDE = path.join(HERE, 'srtp-compat');
const MESON_OPTIONS = [
  '--wrap-mode=nodownload',
  '--buildtype=release',
  '-Db_ndebug=true',
  '-Dms_disable_liburing=true',
];

const log = (msg) => process.stdout.write(`[mediasoup-worker] ${msg}\n`);

function findMediasoup() {
  for (const dir of [
    path.join(REPO, 'node_modules', 'mediasoup'),
    path.join(REPO, 'server', 'node_modules', 'mediasoup'),
  ]) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new InstallError('mediasoup is not installed (run npm ci at the repository root)');
}

/** Hash of what shapes the binary besides the mediasoup version: patches, adapter, meson options. */
function recipeHash() {
  const h = createHash('sha256');
  for (const f of ['patch-meson.mjs', 'patch-sources.mjs', path.join('srtp-compat', 'srtp.h')]) {
    h.update(readFileSync(path.join(HERE, f)));
  }
  h.update(MESON_OPTIONS.join(' '));
  return h.digest('hex').slice(0, 12);
}

function cacheRoot() {
  if (process.env.MINIMEET_WORKER_CACHE) return path.resolve(process.env.MINIMEET_WORKER_CACHE);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'minimeet', 'mediasoup-worker');
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

/** Runs ninja, condensing its "[n/N] …" lines into a progress line every 10 %. */
function ninjaWithProgress(buildDir, target, jobs) {
  return new Promise((resolve, reject) => {
    const child = spawn('ninja', ['-C', buildDir, `-j${jobs}`, target], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastDecile = -1;
    let tail = [];
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        tail = [...tail.slice(-40), line];
        const m = /^\[(\d+)\/(\d+)\]/.exec(line);
        if (m) {
          const decile = Math.floor((Number(m[1]) / Number(m[2])) * 10);
          if (decile > lastDecile) {
            lastDecile = decile;
            log(`  ${target}: ${m[1]}/${m[2]} (${decile * 10}%)`);
          }
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new InstallError(`ninja ${target} failed (exit ${code}):\n${tail.join('\n')}`)),
    );
  });
}

async function buildWorker(mediasoupDir, outFile) {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-worker-'));
  const srcDir = path.join(workDir, 'worker');
  const buildDir = path.join(workDir, 'build');
  const jobs = Number(process.env.MINIMEET_WORKER_JOBS) || os.availableParallelism();
  try {
    cpSync(path.join(mediasoupDir, 'worker'), srcDir, {
      recursive: true,
      filter: (p) => !p.includes(`${path.sep}out${path.sep}`) && !p.endsWith(`${path.sep}out`),
    });
    patchWorkerTree(srcDir);
    patchWorkerSources(srcDir);
    log('configuring (meson, system libraries only)');
    run('meson', ['setup', buildDir, srcDir, ...MESON_OPTIONS, `-Dcpp_args=-I${COMPAT_INCLUDE}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // The flatbuffers headers must exist before libwebrtc compiles (no explicit dependency in meson).
    await ninjaWithProgress(buildDir, 'fbs/FBS', jobs);
    await ninjaWithProgress(buildDir, 'mediasoup-worker', jobs);
    mkdirSync(path.dirname(outFile), { recursive: true });
    const tmp = `${outFile}.tmp-${process.pid}`;
    copyFileSync(path.join(buildDir, 'mediasoup-worker'), tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, outFile); // atomic: a concurrent install never sees half a binary
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main() {
  const given = process.env.MEDIASOUP_WORKER_BIN;
  if (given && existsSync(given)) {
    log(`MEDIASOUP_WORKER_BIN=${given} given; not building`);
    return;
  }
  const mediasoupDir = findMediasoup();
  const version = JSON.parse(readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8')).version;
  const key = `${version}-${recipeHash()}`;
  const cached = path.join(cacheRoot(), key, 'mediasoup-worker');
  const target = path.join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');

  if (existsSync(cached)) {
    log(`using cached worker ${key} (${cached})`);
  } else {
    const started = Date.now();
    log(`building mediasoup ${version} worker from source (cache key ${key}); this takes a few minutes`);
    ensureBuildPackages(log);
    await buildWorker(mediasoupDir, cached);
    writeFileSync(
      path.join(path.dirname(cached), 'build-info.json'),
      JSON.stringify(
        { version, key, builtAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 },
        null,
        2,
      ),
    );
    log(`built in ${Math.round((Date.now() - started) / 1000)} s → ${cached}`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(cached, target);
  chmodSync(target, 0o755);
  log(`installed ${target}`);
}

main().catch((err) => {
  const message = err instanceof InstallError ? err.message : err?.stack || String(err);
  process.stderr.write(`[mediasoup-worker] ERROR: ${message}\n`);
  process.exit(1);
});
