import type { z } from "zod";

/** One zod issue as `path.to.field: message` (the field at fault first, as every error of this project). */
export function formatZodIssue(issue: z.core.$ZodIssue, prefix = ""): string {
  const path = [prefix, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))].filter(Boolean).join(".").replace(/\.\[/g, "[");
  return `${path || "(root)"}: ${issue.message}`;
}
