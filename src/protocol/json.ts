/**
 * The one JSON encoding of the project's records: bigints (field elements, amounts, ids) as decimal
 * strings, since JSON numbers lose precision above 2^53. Readers parse them back with their zod
 * schemas (z.coerce.bigint) or BigInt.
 * @param indent spaces per level (JSON.stringify's), or none for one line.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}
