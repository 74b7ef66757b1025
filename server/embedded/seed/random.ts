/**
 * A small seeded PRNG (mulberry32) and the draws the generator needs. The dataset must be
 * byte-identical for the same seed, so nothing here may touch Math.random or the clock.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** Float in [min, max). */
  float(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** `digits` uppercase hexadecimal characters. */
  hex(digits: number): string
  /** Roughly normal (sum of three uniforms), mean 0, about ±1 for one sigma. */
  gauss(): number
}

/** mulberry32: uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a, to derive one independent stream per part of the dataset from a label. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * One stream per part (`customers`, `jobs`…) so that changing how many jobs are drawn does not
 * reshuffle every customer after it.
 */
export function createRng(seed: number, stream = ''): Rng {
  const next = mulberry32((seed ^ hashString(stream)) >>> 0)
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    hex: (digits) => {
      // Six hex digits (24 bits) per draw: a double holds them exactly and it is one string op.
      let s = ''
      for (let left = digits; left > 0; left -= 6) {
        const n = Math.min(6, left)
        s += Math.floor(next() * 16 ** n)
          .toString(16)
          .toUpperCase()
          .padStart(n, '0')
      }
      return s
    },
    gauss: () => (next() + next() + next() - 1.5) * 2,
  }
  return rng
}

/** Precomputes cumulative weights once, so a draw in a hot loop is a short scan. */
export function weighted<T>(entries: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const values = entries.map(([v]) => v)
  const cumulative: number[] = []
  let total = 0
  for (const [, w] of entries) cumulative.push((total += w))
  return (rng) => {
    const x = rng.next() * total
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]) return values[i]
    return values[values.length - 1]
  }
}

/** Fisher–Yates, in place. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1))
    const t = items[i]
    items[i] = items[j]
    items[j] = t
  }
  return items
}
