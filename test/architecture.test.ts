import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/circuits/manifest.js";

/** Every module under src/ and workers/ with the modules it imports (relative imports, resolved to repository paths). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) {
        const text = readFileSync(join(REPO_ROOT, path), "utf8");
        const imports = [...text.matchAll(/^import[^;]*?from "(\.[^"]+)";/gms)].map((m) => normalize(join(dirname(path), m[1])).replace(/\.js$/, ".ts"));
        graph.set(path, imports);
      }
    }
  };
  walk("src");
  walk("workers");
  return graph;
}

/** The front doors: the CLI, the HTTP service, the bench. Nothing else may import them. */
const FRONT_DOORS = ["src/cli/", "src/service/", "src/bench/", "src/pipeline/"];

describe("architecture: one core, front doors on top", () => {
  const graph = importGraph();

  it("no module imports upward into a front door (src/cli, src/service, src/bench, src/pipeline)", () => {
    const upward: string[] = [];
    for (const [from, imports] of graph) {
      const door = FRONT_DOORS.find((d) => from.startsWith(d));
      for (const to of imports) {
        const target = FRONT_DOORS.find((d) => to.startsWith(d));
        if (target && target !== door && !(door === "src/cli/")) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no import cycle", () => {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (m: string) => {
      if (state.get(m) === "done") return;
      if (state.get(m) === "visiting") {
        cycles.push([...stack.slice(stack.indexOf(m)), m].map((x) => relative(".", x)).join(" -> "));
        return;
      }
      state.set(m, "visiting");
      stack.push(m);
      for (const to of graph.get(m) ?? []) if (graph.has(to)) visit(to);
      stack.pop();
      state.set(m, "done");
    };
    for (const m of graph.keys()) visit(m);
    expect(cycles).toEqual([]);
  });
});
