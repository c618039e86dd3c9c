/**
 * Prints one row of the recovery matrix (README "Recovery"): the fault, what the service did, and
 * how long it took from the end of the fault (restart, L1 back, result delivered) until its store
 * equalled what L1 holds. A line on stdout, `recovery matrix | case | outcome | 1.23 s`, which
 * vitest shows with the test; timings are reported, never asserted (they belong to no timed test).
 */
export function recordConvergence(fault: string, outcome: string, ms: number): void {
  console.log(`recovery matrix | ${fault} | ${outcome} | ${(ms / 1000).toFixed(2)} s`);
}
