#!/usr/bin/env node
/**
 * Builds the native prover addon (native/build/Release/bn254_prover.node) with node-gyp, at
 * `npm install` / `npm ci` (package.json "install") and by `npm run build:native`. Never downloads
 * headers: --nodedir is the local Node install (the prefix of process.execPath, where
 * include/node/node_api.h is). node-gyp is npm's bundled one (npm_config_node_gyp, set by npm for
 * scripts, or found next to npm). Any failure (no compiler, no headers, no node-gyp) prints one line
 * and exits 0: the pipeline then proves with snarkjs and says so once.
 * Usage: node native/build-addon.mjs [--verbose]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const verbose = process.argv.includes("--verbose");

function fail(reason) {
  console.log(`native prover not built (${reason}); the pipeline will prove with snarkjs`);
  process.exit(0);
}

if (process.env.CLUSTER_SKIP_NATIVE_BUILD) fail("CLUSTER_SKIP_NATIVE_BUILD is set");
const prefix = dirname(dirname(process.execPath));
if (!existsSync(join(prefix, "include/node/node_api.h"))) fail(`no Node headers at ${join(prefix, "include/node")}`);

const candidates = [
  process.env.npm_config_node_gyp,
  process.env.npm_execpath && join(dirname(process.env.npm_execpath), "../node_modules/node-gyp/bin/node-gyp.js"),
  join(prefix, "lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
].filter(Boolean);
const nodeGyp = candidates.find((c) => existsSync(c));
if (!nodeGyp) fail("node-gyp not found (npm's bundled one)");

const started = Date.now();
const r = spawnSync(process.execPath, [nodeGyp, "rebuild", "--release", `--nodedir=${prefix}`], {
  cwd: here,
  encoding: "utf8",
  stdio: verbose ? "inherit" : "pipe",
});
if (r.status !== 0) {
  // the first specific line: a compiler's "error:", a missing program or file, node-gyp's own finding
  const lines = `${r.stderr ?? ""}\n${r.stdout ?? ""}`
    .split("\n")
    .map((l) => l.replace(/^gyp ERR! (find Python |stack )?/, "").trim())
    .filter((l) => l && !/^(gyp info|configure error|build error|System |command |cwd |node -v|node-gyp -v|not ok|\*+$)/.test(l));
  const specific = lines.find((l) => /error:|not found|No such file|You need to install|could not be run|Error:/.test(l));
  fail(r.error ? r.error.message : (specific ?? lines[0] ?? `node-gyp exited with ${r.status}`));
}
console.log(`native prover built: native/build/Release/bn254_prover.node (${((Date.now() - started) / 1000).toFixed(0)} s)`);
