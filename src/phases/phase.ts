/** Progress of a phase's countable work: `done` of `total` units, and what they are. */
export interface PhaseProgress {
  label: string;
  done: number;
  total: number;
}

/**
 * A step of a long job, with a title that a progress display (listr2 in the CLI) shows; `run` may
 * report progress by calling `status` with a short line, or with a count (shown as a progress bar
 * on a terminal, as `label done/total` otherwise).
 */
export interface Phase<Ctx> {
  title: string;
  run(ctx: Ctx, status: (line: string | PhaseProgress) => void): Promise<void>;
}

/** Runs phases in order without a display (tests, library use). Stops at the first error. */
export async function runPhases<Ctx>(phases: Phase<Ctx>[], ctx: Ctx): Promise<Ctx> {
  for (const phase of phases) await phase.run(ctx, () => {});
  return ctx;
}
