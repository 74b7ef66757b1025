/**
 * The flows that ship with the app (flows/*.json in the repository) are loaded into ERPNext when
 * absent, as Published versions, so a fresh site has them and a new version in a release reaches
 * every site. A version already in ERPNext is never touched (an admin may have archived it), nor
 * is a shipped version older than one the admins published. A file that fails validation is
 * reported with its reason and skipped; the others still load.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AgentFlowDoc } from '../../src/contracts/doctypes'
import type { FlowDefinition } from '../../src/contracts/flows/types'
import { validateDefinition } from '../../src/contracts/flows/validate'
import { ErpRefused, type ErpClient } from '../upstream/erp'
import { FLOW, flowDocName, flowFields } from './store'
import { log as logger } from '../log'
import { fromRoot } from '../paths'

/** flows/ at the app's root (the image copies it). */
export const SHIPPED_DIR = fromRoot('flows')

export interface ShippedReport {
  /** Inserted now. */
  loaded: string[]
  /** Already in ERPNext, or older than a version there. */
  kept: string[]
  invalid: { file: string; reason: string }[]
}

async function readShipped(dir: string, report: ShippedReport): Promise<FlowDefinition[]> {
  let files: string[]
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  } catch {
    return [] // no flows/ directory: nothing ships
  }
  const out: FlowDefinition[] = []
  for (const file of files) {
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(join(dir, file), 'utf8'))
    } catch (err) {
      report.invalid.push({ file, reason: `unreadable JSON (${err instanceof Error ? err.message : String(err)})` })
      continue
    }
    const checked = validateDefinition(raw)
    if (!checked.ok) {
      const reason = checked.problems
        .map((p) => `${p.step ? `step ${p.step}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message.en}`)
        .join('; ')
      report.invalid.push({ file, reason })
      continue
    }
    out.push(checked.definition)
  }
  return out
}

export async function loadShippedFlows(erp: ErpClient, dir = SHIPPED_DIR): Promise<ShippedReport> {
  const report: ShippedReport = { loaded: [], kept: [], invalid: [] }
  for (const definition of await readShipped(dir, report)) {
    const name = flowDocName(definition.key, definition.version)
    const versions = await erp.list<Pick<AgentFlowDoc, 'name' | 'version' | 'status'>>(FLOW, {
      fields: ['name', 'version', 'status'],
      filters: [['flow_key', '=', definition.key]],
    })
    if (versions.some((v) => v.name === name || Number(v.version) >= definition.version)) {
      report.kept.push(name)
      continue
    }
    try {
      await erp.insert<AgentFlowDoc>(FLOW, { ...flowFields(definition), status: 'Published' })
    } catch (err) {
      // Another replica loaded it first.
      if (err instanceof ErpRefused && err.excType === 'DuplicateEntryError') {
        report.kept.push(name)
        continue
      }
      throw err
    }
    // The new shipped version takes over; the runs of the older one finish on it (they are pinned).
    for (const older of versions.filter((v) => v.status === 'Published'))
      await erp.update(FLOW, older.name, { status: 'Archived' })
    report.loaded.push(name)
  }
  return report
}

/**
 * Loads the shipped flows once, before the first flows route answers. ERPNext down is no reason
 * to refuse a route: the next request tries again.
 */
export function shippedLoader(
  erp: ErpClient,
  dir = SHIPPED_DIR,
  log: (line: string) => void = (line) => logger.warn(line),
) {
  let done: Promise<void> | null = null
  return function ensureShipped(): Promise<void> {
    done ??= loadShippedFlows(erp, dir)
      .then((report) => {
        for (const bad of report.invalid) log(`flows: shipped flow flows/${bad.file} not loaded: ${bad.reason}`)
        if (report.loaded.length) logger.info({ flows: report.loaded }, 'flows: shipped flows loaded')
      })
      .catch((err: unknown) => {
        done = null
        log(`flows: shipped flows not loaded yet (${err instanceof Error ? err.message : String(err)}); will retry`)
      })
    return done
  }
}
