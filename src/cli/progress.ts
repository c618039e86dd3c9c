import { Listr, ListrLogger, PRESET_TIMER, ProcessOutput } from "listr2";
import type { Phase } from "../pipeline/phases.js";

/**
 * Runs phases with a listr2 display on stderr (stdout stays free for the summary or --json output):
 * live spinners when stderr is a terminal, one plain line per event otherwise (CI logs, pipes).
 * @throws the first phase's error, after the display shows it.
 */
export async function runWithProgress<Ctx extends object>(phases: Phase<Ctx>[], ctx: Ctx): Promise<Ctx> {
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const list = new Listr<Ctx, "default", "simple">(
    phases.map((phase) => ({
      title: phase.title,
      task: async (c, task) => phase.run(c, (line) => { task.output = line; }),
      rendererOptions: { persistentOutput: true },
    })),
    {
      ctx,
      exitOnError: true,
      renderer: "default",
      fallbackRenderer: "simple",
      fallbackRendererCondition: () => !process.stderr.isTTY,
      rendererOptions: { logger, timer: PRESET_TIMER },
      fallbackRendererOptions: { logger, timer: PRESET_TIMER },
    },
  );
  return list.run();
}
