import cliProgress from "cli-progress";
import { Listr, ListrLogger, PRESET_TIMER, ProcessOutput } from "listr2";
import type { Phase, PhaseProgress } from "./phase.js";

const BAR_WIDTH = 24;

/**
 * One line for a phase's status: a count becomes a progress bar (cli-progress's bar formatter)
 * with `done/total` on a terminal, and plain `label done/total` otherwise (CI logs, pipes).
 */
export function statusLine(status: string | PhaseProgress, tty = process.stderr.isTTY === true): string {
  if (typeof status === "string") return status;
  const { label, done, total } = status;
  if (!tty) return `${label} ${done}/${total}`;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const bar = cliProgress.Format.BarFormat(fraction, {
    barsize: BAR_WIDTH,
    barCompleteString: "█".repeat(BAR_WIDTH),
    barIncompleteString: "░".repeat(BAR_WIDTH),
    barGlue: "",
  });
  return `${bar} ${done}/${total} ${label}`;
}

/**
 * Without a terminal every status is a new line: there, pass a count on at most every 2 s (a set-up
 * reports hundreds of counts) and always when it completes; lines of text always pass. On a terminal everything passes.
 */
function plainThrottle(show: (status: string | PhaseProgress) => void, tty = process.stderr.isTTY === true): (status: string | PhaseProgress) => void {
  if (tty) return show;
  let lastAt = 0;
  return (status) => {
    if (typeof status !== "string") {
      const now = Date.now();
      if (status.done < status.total && now - lastAt < 2000) return;
      lastAt = now;
    }
    show(status);
  };
}

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
      task: async (c, task) =>
        phase.run(
          c,
          plainThrottle((status) => {
            task.output = statusLine(status);
          }),
        ),
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
