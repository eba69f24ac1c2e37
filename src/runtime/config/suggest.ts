/**
 * "Did you mean …?": the known name closest to a misspelt one, by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours), ignoring case, `_` and `-` so that `classPath`
 * finds `class_path`.
 *
 * @example
 *   closest("clas_path", ["class_path", "kwargs", "placement"]);   // "class_path"
 *   didYouMean("thred", ["thread", "process", "main"]);             // ' (did you mean "thread"?)'
 */

/** Edit distance between two strings (optimal string alignment: a swap of neighbours counts 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** The candidate closest to `name`, or undefined when none is close enough to be a plausible typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A known name that starts the misspelt one (or the other way round) is what was meant:
  // `ether_subscribe` → `ether_sub`.
  if (bestDistance > 0) {
    for (const candidate of candidates) {
      const c = normalize(candidate);
      if (c.length >= 3 && (wanted.startsWith(c) || c.startsWith(wanted)) && wanted.length >= 3) return candidate;
    }
  }
  // A third of the name's length (at least 1, at most 3) is how far typos go; beyond that the
  // "suggestion" would be a different word.
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` when a candidate is close, else "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const match = closest(name, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}
