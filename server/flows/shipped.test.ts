import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AgentFlowDoc } from '../../src/contracts/doctypes'
import type { FlowDefinition } from '../../src/contracts/flows/types'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { inProcessErp } from '../testing'
import { erpClientOver, UpstreamUnreachable } from '../upstream/erp'
import { loadShippedFlows, SHIPPED_DIR, shippedLoader } from './shipped'

const t = (fr: string, en = fr) => ({ fr, en })
const flow = (version: number, text = 'Bonjour'): FlowDefinition => ({
  key: 'greeting',
  version,
  title: t('Salutation', 'Greeting'),
  audience: 'customer',
  start: 'hello',
  steps: [
    { id: 'hello', kind: 'say', title: t('Bonjour', 'Hello'), text: t(text), next: 'done' },
    { id: 'done', kind: 'end', title: t('Fin', 'End'), outcome: 'resolved' },
  ],
})

let dir: string
let erp: TestErp
const write = (file: string, body: unknown) =>
  writeFileSync(join(dir, file), typeof body === 'string' ? body : JSON.stringify(body))

async function versions(): Promise<Pick<AgentFlowDoc, 'name' | 'status'>[]> {
  const q = new URLSearchParams({ fields: '["name","status"]', order_by: 'version asc' })
  return (await erp.get<{ data: AgentFlowDoc[] }>(`/api/resource/Agent%20Flow?${q}`)).body.data
}

describe('the shipped flows', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ops-shipped-flows-'))
    erp = testErp()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('are loaded as Published when absent; a file that fails validation is reported and skipped', async () => {
    write('greeting.json', flow(1))
    write('broken.json', { ...flow(1), key: 'broken', start: 'nowhere' })
    write('garbled.json', '{ not json')
    const report = await loadShippedFlows(inProcessErp(erp), dir)
    expect(report.loaded).toEqual(['FLOW-greeting-v1'])
    expect(report.invalid.map((i) => i.file).sort()).toEqual(['broken.json', 'garbled.json'])
    expect(report.invalid.find((i) => i.file === 'broken.json')?.reason).toContain('nowhere')
    expect(await versions()).toEqual([{ name: 'FLOW-greeting-v1', status: 'Published' }])

    // Loaded once: the next start keeps what ERPNext has.
    const again = await loadShippedFlows(inProcessErp(erp), dir)
    expect(again).toMatchObject({ loaded: [], kept: ['FLOW-greeting-v1'] })
  })

  it('a new shipped version takes over from the published one; an older one never comes back', async () => {
    write('greeting.json', flow(1))
    await loadShippedFlows(inProcessErp(erp), dir)
    write('greeting.json', flow(2, 'Salut'))
    expect((await loadShippedFlows(inProcessErp(erp), dir)).loaded).toEqual(['FLOW-greeting-v2'])
    expect(await versions()).toEqual([
      { name: 'FLOW-greeting-v1', status: 'Archived' },
      { name: 'FLOW-greeting-v2', status: 'Published' },
    ])
    write('greeting.json', flow(1))
    expect((await loadShippedFlows(inProcessErp(erp), dir)).loaded).toEqual([])
  })

  it('waits for ERPNext: a failed load is logged and tried again on the next request', async () => {
    write('greeting.json', flow(1))
    let up = false
    const real = inProcessErp(erp)
    const flaky = erpClientOver(async (method, path, body) => {
      if (!up) throw new UpstreamUnreachable('down')
      return real.send(method, path, body)
    })
    const lines: string[] = []
    const ensure = shippedLoader(flaky, dir, (l) => lines.push(l))
    await ensure()
    expect(lines.join('\n')).toMatch(/not loaded yet/)
    expect(await versions()).toEqual([])
    up = true
    await ensure()
    expect(await versions()).toEqual([{ name: 'FLOW-greeting-v1', status: 'Published' }])
  })

  it('the flows in the repository all pass validation and load', async () => {
    const report = await loadShippedFlows(inProcessErp(erp), SHIPPED_DIR)
    expect(report.invalid).toEqual([])
    expect(report.loaded.length).toBeGreaterThan(0)
  })
})
