/** JSON read from the network or storage: the value, or `fallback` when the text is not JSON. */
export function parseJsonOr<T>(text: string, fallback: T): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return fallback
  }
}

/** A JSON object (not an array, not a scalar), or null. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  const value = parseJsonOr(text, null)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}
