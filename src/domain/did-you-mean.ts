/** "Did you mean": the known name nearest to what someone wrote. Pure, and importing nothing. */

/** Levenshtein distance, for "did you mean" (short strings only). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Why a field is refused as unknown: the known field it is close to, or the list of known fields. */
export function unknownFieldMessage(field: string, known: readonly string[]): string {
  if (field.length > 64) return `is not an intake field (known: ${known.join(', ')})`;
  const guess = known.find((k) => editDistance(k.toLowerCase(), field.toLowerCase()) <= 2);
  return guess
    ? `is not an intake field; did you mean ${guess}?`
    : `is not an intake field (known: ${known.join(', ')})`;
}
