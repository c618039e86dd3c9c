/**
 * A step of a long job, with a title that a progress display (listr2 in the CLI) shows; `run` may
 * report progress by calling `status` with a short line.
 */
export interface Phase<Ctx> {
  title: string;
  run(ctx: Ctx, status: (line: string) => void): Promise<void>;
}

/** Runs phases in order without a display (tests, library use). Stops at the first error. */
export async function runPhases<Ctx>(phases: Phase<Ctx>[], ctx: Ctx): Promise<Ctx> {
  for (const phase of phases) await phase.run(ctx, () => {});
  return ctx;
}
