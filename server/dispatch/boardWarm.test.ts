/**
 * A served BFF reads the current week's board once, 2 s after it starts, and says so in its log
 * (operators and the benches wait for that line). In a file of its own: every app the other tests
 * build warms its board too, and the logger is the process's.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createApp } from '../app'
import { useLogDestination } from '../log'
import { noHub, ok, recordingErp, testConfig } from '../testing'
import type { ErpClient } from '../upstream/erp'
import { mondayOf, toFrappeDate } from '../../src/contracts/frappeTime'

const readyLines = (lines: string[]) => lines.filter((l) => l.includes('"msg":"dispatch board: ready"'))
const thisMonday = () => mondayOf(toFrappeDate(new Date()))

/** Builds a served app (it has a data directory) over `upstream`, with its log lines kept for `check`. */
async function servedApp(upstream: ErpClient, check: (lines: string[]) => Promise<void>): Promise<void> {
  const lines: string[] = []
  useLogDestination({ write: (line: string) => void lines.push(line) }, 'info')
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-board-warm-'))
  try {
    createApp(testConfig({ DATA_DIR: dataDir }), { erp: upstream, hub: noHub })
    await check(lines)
  } finally {
    useLogDestination({ write: () => undefined }, 'silent')
    rmSync(dataDir, { recursive: true, force: true })
  }
}

describe('the board read once after a start', () => {
  it("reads the current week's jobs, then logs that the board is ready with how long it took", async () => {
    const upstream = recordingErp(() => ok({ data: [] }))
    // The week as it is before and after the warm-up (they differ only across Sunday midnight).
    const weeks = [thisMonday()]
    await servedApp(upstream, async (lines) => {
      expect(readyLines(lines)).toHaveLength(0)
      await vi.waitFor(() => expect(readyLines(lines)).toHaveLength(1), { timeout: 6_000, interval: 50 })
      weeks.push(thisMonday())
      const line = JSON.parse(readyLines(lines)[0]) as { week: string; ms: number }
      expect(weeks).toContain(line.week)
      expect(line.ms).toBeGreaterThanOrEqual(0)
      const weekRead = upstream.calls.some((c) => {
        const url = new URL(c.path, 'http://erp')
        const filters = JSON.parse(url.searchParams.get('filters') ?? '[]') as unknown[][]
        return (
          url.pathname === '/api/resource/Dispatch%20Job' &&
          filters.some((f) => f[0] === 'scheduled_start' && f[1] === '>=' && f[2] === `${line.week} 00:00:00`)
        )
      })
      expect(weekRead).toBe(true)
      expect(lines.some((l) => l.includes('warm-up failed'))).toBe(false)
    })
  })

  it('says the warm-up failed, not that the board is ready, when ERPNext refuses the reads', async () => {
    await servedApp(
      recordingErp(() => ok({ exc_type: 'PermissionError' }, 403)),
      async (lines) => {
        await vi.waitFor(() => expect(lines.some((l) => l.includes('dispatch board: warm-up failed'))).toBe(true), {
          timeout: 6_000,
          interval: 50,
        })
        expect(readyLines(lines)).toHaveLength(0)
      },
    )
  })
})
