// Rewrites mediasoup's worker meson files so that every third-party library
// comes from the system (Debian packages) instead of meson subprojects, which
// would be downloaded from the internet at configure time.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `<proj>.get_variable('<name>')` → system dependency expression. */
export const VARIABLE_MAP = {
  "abseil_cpp_proj.get_variable('absl_container_dep')":
    "[dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'), dependency('absl_node_hash_map'), dependency('absl_btree'), dependency('absl_inlined_vector')]",
  "abseil_cpp_proj.get_variable('absl_strings_dep')": "dependency('absl_strings')",
  "abseil_cpp_proj.get_variable('absl_types_dep')":
    "[dependency('absl_optional'), dependency('absl_variant'), dependency('absl_span')]",
  "openssl_proj.get_variable('openssl_dep')": "dependency('openssl')",
  "libuv_proj.get_variable('libuv_dep')": "dependency('libuv')",
  "libsrtp3_proj.get_variable('libsrtp3_dep')": "dependency('libsrtp2')",
  "usrsctp_proj.get_variable('usrsctp_dep')": "dependency('usrsctp')",
  "flatbuffers_proj.get_variable('flatbuffers_dep')": "dependency('flatbuffers')",
};

/** Subprojects replaced by system libraries; their static archives leave link_whole. */
const SYSTEM_SUBPROJECTS = ['libuv', 'openssl', 'libsrtp3', 'usrsctp', 'abseil-cpp', 'flatbuffers'];

function dropSubprojectCalls(text) {
  let out = text;
  for (const name of SYSTEM_SUBPROJECTS) {
    // A top-level `x_proj = subproject('name', ... )` block ends at a line that is just `)`.
    const re = new RegExp(`^\\w+_proj = subproject\\(\\s*'${name}'[\\s\\S]*?^\\)\\n`, 'm');
    if (!re.test(out)) throw new Error(`meson patch: subproject('${name}') block not found`);
    out = out.replace(re, `# ${name}: system library (MiniMeet offline build)\n`);
  }
  return out;
}

function mapVariables(text) {
  let out = text;
  for (const [from, to] of Object.entries(VARIABLE_MAP)) out = out.split(from).join(to);
  return out;
}

function dropLinkWholeArchives(text) {
  // Entries like `  libuv_proj.get_variable('libuv'),` inside `link_whole = [...]`.
  const projects = SYSTEM_SUBPROJECTS.map((n) => n.replace('-', '_') + '_proj').join('|');
  return text.replace(new RegExp(`^\\s*(${projects})\\.get_variable\\('[^']+'\\),?\\n`, 'gm'), '');
}

export function patchWorkerMeson(text) {
  const out = dropLinkWholeArchives(mapVariables(dropSubprojectCalls(text)));
  const leftover = out.match(
    /^\w+_proj\.get_variable|^[^#\n]*\b(libuv|openssl|libsrtp3|usrsctp|abseil_cpp|flatbuffers)_proj\b.*$/m,
  );
  if (leftover) throw new Error(`meson patch: unmapped subproject use left: ${leftover[0]}`);
  return out;
}

export function patchLibwebrtcMeson(text) {
  const re = /^abseil_cpp_proj = subproject\(\s*'abseil-cpp'[\s\S]*?^\)\n/m;
  if (!re.test(text)) throw new Error("meson patch: libwebrtc subproject('abseil-cpp') not found");
  const out = mapVariables(text.replace(re, '# abseil-cpp: system library (MiniMeet offline build)\n'));
  if (/_proj\.get_variable/.test(out)) throw new Error('meson patch: libwebrtc has unmapped subproject use');
  return out;
}

/** Patches the worker source tree at `workerDir` in place. */
export function patchWorkerTree(workerDir) {
  const main = path.join(workerDir, 'meson.build');
  const webrtc = path.join(workerDir, 'deps', 'libwebrtc', 'meson.build');
  writeFileSync(main, patchWorkerMeson(readFileSync(main, 'utf8')));
  writeFileSync(webrtc, patchLibwebrtcMeson(readFileSync(webrtc, 'utf8')));
}
