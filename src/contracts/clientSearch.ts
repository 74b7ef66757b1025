/** GET /ops/api/clients/search?q= — shared by the BFF that answers it and the SPA that shows it. */

/** Why a customer came up; the SPA shows it as a label ("Téléphone", "Numéro de série", …). */
export type MatchField = 'number' | 'name' | 'phone' | 'email' | 'address' | 'serial' | 'mac'

export interface SearchMatch {
  field: MatchField
  /** The text as stored (the phone as typed at sign-up, the address, the serial…). */
  text: string
  /** Character ranges of `text` to highlight, [start, end): the words that matched. */
  ranges: [number, number][]
  /**
   * A word was found with one typo forgiven ("Tremblya" → Tremblay); such matches come after
   * every exact one (an abbreviation written out, "ste" → Sainte, counts as exact).
   */
  approximate: boolean
}

export interface ClientSearchResult {
  customer: string
  customerName: string
  phone: string | null
  /** First service address, to tell two "Marie Tremblay" apart. */
  address: string | null
  disabled: boolean
  match: SearchMatch
  score: number
}

export interface ClientSearchAnswer {
  query: string
  results: ClientSearchResult[]
  /** More customers matched than are listed. */
  truncated: boolean
  /** Customers in the index so far. */
  indexed: number
  /**
   * False while the index is first being built (a few seconds after the BFF starts): the results
   * come from what is indexed so far and a direct ERPNext query, and other customers may match.
   */
  complete: boolean
  tookMs: number
}

export const SEARCH_MIN_LENGTH = 2
export const SEARCH_LIMIT = 20
