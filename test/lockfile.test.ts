import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../src/circuits/manifest.js";
import { tempDir } from "./helpers/service-fixture.js";

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockedPackage> };

/** Where npm would find `name` from the package at `path` (its own node_modules, then each folder above). */
function resolveLocked(path: string, name: string): LockedPackage | undefined {
  for (let at = path; ; at = at.includes("/node_modules/") ? at.slice(0, at.lastIndexOf("/node_modules/")) : "") {
    const hit = lock.packages[`${at ? `${at}/` : ""}node_modules/${name}`];
    if (hit || at === "") return hit;
  }
}

describe("package-lock.json (what .ci/run installs with npm ci)", () => {
  it("records every platform's optional packages (npm ci refuses a lock that leaves any out)", () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!resolveLocked(path, name)) missing.push(`${path || "(root)"} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
    // The packages this was about: anvil's binaries, msgpackr-extract's (BullMQ) and Biome's, for every platform they ship.
    expect(Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/@foundry-rs/anvil-")).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/@msgpackr-extract/")).length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/@biomejs/cli-")).length).toBeGreaterThanOrEqual(6); // the linter's binaries
  });

  it("is in sync with package.json: npm ci accepts it (dry run, offline, in a copy)", () => {
    const dir = tempDir("lockfile");
    for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(REPO_ROOT, file), join(dir, file));
    let output = "";
    try {
      output = execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`npm ci refuses package-lock.json:\n${err.stderr ?? ""}${err.stdout ?? ""}`.slice(0, 4000));
    }
    expect(output).toMatch(/added \d+ packages/);
  }, 90_000);
});
