import * as vega from "vega";
import * as vl from "vega-lite";

/** One point of the sweep chart. */
export interface SweepPoint {
  instance: string;
  members: number;
  slots: number;
  depth: number;
  operationsPerSecond: number;
  latencyMedianS: number;
  latencyP95S: number;
}

/**
 * SVG chart of the instance sweep (vega-lite, rendered headless by vega): throughput (operations
 * per second) and latency to L1 (median, p95 as a tick) against members N, one line per slot count B.
 */
export async function sweepChartSvg(points: SweepPoint[], title: string): Promise<string> {
  const data = points.map((p) => ({ ...p, B: `B = ${p.slots}, D = ${p.depth}` }));
  const x = { field: "members", type: "ordinal", title: "members N" } as const;
  const color = { field: "B", type: "nominal", title: "slots per batch" } as const;
  const spec: vl.TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values: data },
    hconcat: [
      {
        title: "throughput (operations / s)",
        mark: { type: "line", point: true },
        encoding: { x, y: { field: "operationsPerSecond", type: "quantitative", title: "operations per second" }, color },
        width: 260,
        height: 200,
      },
      {
        title: "latency to L1 (median, p95)",
        layer: [
          { mark: { type: "line", point: true }, encoding: { x, y: { field: "latencyMedianS", type: "quantitative", title: "seconds" }, color } },
          { mark: { type: "tick", thickness: 2 }, encoding: { x, y: { field: "latencyP95S", type: "quantitative" }, color } },
        ],
        width: 260,
        height: 200,
      },
    ],
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
