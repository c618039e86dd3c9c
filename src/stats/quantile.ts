/**
 * The q-quantile of `values` by nearest rank (the smallest value with at least q of the values at or
 * below it; Hyndman & Fan 1996, definition 1).
 * @param q in 0..1 (0.5: median; 1: maximum).
 * @returns 0 for an empty list.
 */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
