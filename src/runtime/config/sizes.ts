/**
 * Byte sizes in a session config: a whole number of bytes, or a string with a binary unit
 * (`B`, `KiB`, `MiB`, `GiB`, `TiB`). Decimal and one-letter units (`KB`, `MB`, `K`, `M`) are rejected:
 * whether `4MB` means 4 000 000 or 4 194 304 bytes is exactly the kind of guess a ring size should not
 * rest on.
 *
 * @example
 *   parseSize("4MiB");   // { ok: true, value: 4194304 }
 *   parseSize("4MB");    // { ok: false, problem: '"4MB" is ambiguous …' }
 *   formatSize(1536);    // "1.5KiB"
 */

import { describeValue, type Parsed } from "./values.js";

const BINARY_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Units people write that could mean powers of 1000 or of 1024. */
const AMBIGUOUS_UNITS: Readonly<Record<string, string>> = {
  k: "KiB",
  kb: "KiB",
  m: "MiB",
  mb: "MiB",
  g: "GiB",
  gb: "GiB",
  t: "TiB",
  tb: "TiB",
};

const SIZE_RE = /^(\d[\d_]*(?:\.\d+)?)\s*([a-zA-Z]*)$/;

/** Parses a size: a whole number of bytes, or `<number><unit>` with a binary unit. */
export function parseSize(value: unknown): Parsed<number> {
  const example = `write a number of bytes or a size like "64KiB", "4MiB", "1GiB"`;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return { ok: true, value };
    return { ok: false, problem: `${value} is not a size in bytes (a whole number, 0 or more); ${example}` };
  }
  if (typeof value !== "string") return { ok: false, problem: `expected a size, got ${describeValue(value)}; ${example}` };
  const m = SIZE_RE.exec(value.trim());
  if (m === null) return { ok: false, problem: `"${value}" is not a size; ${example}` };
  const amount = Number(m[1]!.replaceAll("_", ""));
  const unit = m[2]!.toLowerCase();
  if (unit in AMBIGUOUS_UNITS) {
    const binary = AMBIGUOUS_UNITS[unit]!;
    return {
      ok: false,
      problem:
        `"${value}" is ambiguous (powers of 1000 or of 1024?); ` +
        `write "${m[1]}${binary}" for ${m[1]} × ${BINARY_UNITS[binary.toLowerCase()]} bytes, or a number of bytes`,
    };
  }
  const scale = unit === "" ? 1 : BINARY_UNITS[unit];
  if (scale === undefined) return { ok: false, problem: `"${value}" has an unknown unit "${m[2]}"; use B, KiB, MiB or GiB (${example})` };
  const bytes = amount * scale;
  if (!Number.isSafeInteger(bytes)) return { ok: false, problem: `"${value}" is not a whole number of bytes (${bytes}); ${example}` };
  return { ok: true, value: bytes };
}

/** Writes a byte count the way a config would: `4MiB` when exact, else `1536 bytes`. */
export function formatSize(bytes: number): string {
  for (const unit of ["TiB", "GiB", "MiB", "KiB"]) {
    const scale = BINARY_UNITS[unit.toLowerCase()]!;
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}
