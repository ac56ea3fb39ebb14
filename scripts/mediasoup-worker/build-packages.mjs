// Makes sure the Debian packages the worker build needs are present, installing
// the missing ones with apt when running as root. Fails with one clear message otherwise.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InstallError } from './errors.mjs';

/** pkg-config module → Debian package providing it. */
const PKG_CONFIG_MODULES = {
  libuv: 'libuv1-dev',
  openssl: 'libssl-dev',
  libsrtp2: 'libsrtp2-dev',
  usrsctp: 'libusrsctp-dev',
  flatbuffers: 'libflatbuffers-dev',
  absl_flat_hash_map: 'libabsl-dev',
};
/** command → Debian package providing it (meson handled apart: it needs >= 1.1). */
const COMMANDS = {
  'g++': 'g++',
  'pkg-config': 'pkg-config',
  ninja: 'ninja-build',
  flatc: 'flatbuffers-compiler',
};
/**
 * command → Debian package the server uses at run time but can do without (ffmpeg: chat image
 * thumbnails and recording composites; fonts-dejavu-core: the names drawn in composites). Installed along with the build packages when apt can; only
 * reported otherwise, never a reason to fail the install.
 */
const OPTIONAL_COMMANDS = {
  ffmpeg: 'ffmpeg',
};
/** file → optional Debian package providing it (the font of the names in recording composites). */
const OPTIONAL_FILES = {
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf': 'fonts-dejavu-core',
};
const MIN_MESON = [1, 1];
const BACKPORTS_LIST = '/etc/apt/sources.list.d/minimeet-bookworm-backports.list';

const ok = (cmd, args) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function mesonVersionOk() {
  try {
    const v = execFileSync('meson', ['--version'], { encoding: 'utf8' }).trim().split('.').map(Number);
    return v[0] > MIN_MESON[0] || (v[0] === MIN_MESON[0] && v[1] >= MIN_MESON[1]);
  } catch {
    return false;
  }
}

function missingPackages() {
  const missing = new Set();
  for (const [cmd, pkg] of Object.entries(COMMANDS))
    if (!ok('sh', ['-c', `command -v ${cmd}`])) missing.add(pkg);
  const havePkgConfig = !missing.has('pkg-config');
  for (const [mod, pkg] of Object.entries(PKG_CONFIG_MODULES)) {
    if (!havePkgConfig || !ok('pkg-config', ['--exists', mod])) missing.add(pkg);
  }
  return [...missing];
}

function missingOptional() {
  return [
    ...Object.entries(OPTIONAL_COMMANDS)
      .filter(([cmd]) => !ok('sh', ['-c', `command -v ${cmd}`]))
      .map(([, pkg]) => pkg),
    ...Object.entries(OPTIONAL_FILES)
      .filter(([file]) => !existsSync(file))
      .map(([, pkg]) => pkg),
  ];
}

function codename() {
  try {
    return /VERSION_CODENAME=(\w+)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

function apt(log, args) {
  log(`apt-get ${args.join(' ')}`);
  try {
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    throw new InstallError(`could not install build packages: apt-get ${args.join(' ')} failed (see above)`);
  }
}

export function ensureBuildPackages(log) {
  const missing = missingPackages();
  const needMeson = !mesonVersionOk();
  const optional = missingOptional();
  const canApt = process.getuid?.() === 0 && ok('sh', ['-c', 'command -v apt-get']);
  if (optional.length && !canApt) {
    log(`optional packages missing: ${optional.join(' ')} (apt-get install ${optional.join(' ')}; the server runs without them)`);
  }
  if (missing.length === 0 && !needMeson) {
    if (optional.length && canApt) {
      log(`installing optional packages: ${optional.join(' ')}`);
      apt(log, ['update', '-q']);
      apt(log, ['install', '-y', '-q', '--no-install-recommends', ...optional]);
    }
    return;
  }

  const wanted = [...missing, ...(needMeson ? ['meson (>= 1.1)'] : [])].join(' ');
  if (!canApt) {
    throw new InstallError(
      `missing build packages: ${wanted}. Install them (Debian: apt-get install ${missing.join(' ')}` +
        `${needMeson ? ' plus meson >= 1.1 from bookworm-backports' : ''}) and run npm install again.`,
    );
  }
  log(`installing build packages: ${wanted}`);
  apt(log, ['update', '-q']);
  const installNow = [...missing, ...optional];
  if (installNow.length) apt(log, ['install', '-y', '-q', '--no-install-recommends', ...installNow]);
  if (needMeson) {
    apt(log, ['install', '-y', '-q', '--no-install-recommends', 'meson']);
    if (!mesonVersionOk() && codename() === 'bookworm') {
      // bookworm's meson is 1.0.1; mediasoup's meson.build needs >= 1.1.
      if (!existsSync(BACKPORTS_LIST)) {
        writeFileSync(BACKPORTS_LIST, 'deb http://deb.debian.org/debian bookworm-backports main\n');
      }
      apt(log, ['update', '-q']);
      apt(log, ['install', '-y', '-q', '--no-install-recommends', '-t', 'bookworm-backports', 'meson']);
    }
  }
  const still = missingPackages();
  if (still.length || !mesonVersionOk()) {
    throw new InstallError(
      `build packages still missing after apt-get: ${[...still, ...(mesonVersionOk() ? [] : ['meson >= 1.1'])].join(' ')}`,
    );
  }
}
