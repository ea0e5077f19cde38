/**
 * The canonical JSON text of a value, as RFC 8785 (JCS) writes it for the values a manifest holds:
 * object keys sorted by UTF-16 code units, no whitespace, numbers and strings as `JSON.stringify`
 * writes them. Signing this text, not the served file, lets servers re-indent or reorder the manifest.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`canonical JSON has no form for ${value}`);
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}
