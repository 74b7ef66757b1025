import { describe, expect, it } from 'vitest'
import type { RequestUser } from './session'
import { createTechScopes } from './techScope'
import { ok, recordingErp, type RecordedCall } from './testing'

const TECHS: Record<string, string> = { 'anne@gigafibre.ca': 'TECH-A', 'bruno@gigafibre.ca': 'TECH-B' }
const JOBS: Record<string, { name: string; customer: string }[]> = {
  'TECH-A': [{ name: 'DJ-A1', customer: 'CUST-1' }],
  'TECH-B': [{ name: 'DJ-B1', customer: 'CUST-2' }],
}
const user = (email: string) => ({ email, groups: ['ops-tech'], capabilities: ['tech:self'] }) as unknown as RequestUser

function setup() {
  const erp = recordingErp((call: RecordedCall) => {
    const path = decodeURIComponent(call.path)
    if (path.startsWith('/api/resource/Technician?')) {
      const email = Object.keys(TECHS).find((e) => path.includes(e))
      return ok({ data: email ? [{ name: TECHS[email] }] : [] })
    }
    const tech = Object.keys(JOBS).find((t) => path.startsWith('/api/resource/Dispatch Job?') && path.includes(t))
    return ok({ data: tech ? JOBS[tech] : [] })
  })
  const scopes = createTechScopes(erp)
  const lookups = (tech: string) =>
    erp.calls.filter(
      (c) => decodeURIComponent(c.path).startsWith('/api/resource/Dispatch Job?') && c.path.includes(tech),
    ).length
  return { scopes, lookups }
}

describe('a technician’s kept reach', () => {
  it('is looked up again for whoever had a written job and whoever has it now, and kept for the others', async () => {
    const { scopes, lookups } = setup()
    const anne = user('anne@gigafibre.ca')
    const bruno = user('bruno@gigafibre.ca')
    expect((await scopes.of(anne)).customers).toEqual(['CUST-1'])
    await scopes.of(bruno)
    await scopes.of(anne)
    expect([lookups('TECH-A'), lookups('TECH-B')]).toEqual([1, 1])

    // Anne's job written (moved, or given to someone else): hers is looked up again, not Bruno's.
    scopes.forgetJob('DJ-A1', null)
    await scopes.of(anne)
    await scopes.of(bruno)
    expect([lookups('TECH-A'), lookups('TECH-B')]).toEqual([2, 1])

    // A new job given to Bruno.
    scopes.forgetJob('DJ-NEW', 'TECH-B')
    await scopes.of(anne)
    await scopes.of(bruno)
    expect([lookups('TECH-A'), lookups('TECH-B')]).toEqual([2, 2])

    // A stream that met a job of Anne's not in her reach.
    scopes.forget('anne@gigafibre.ca')
    await scopes.of(anne)
    expect([lookups('TECH-A'), lookups('TECH-B')]).toEqual([3, 2])
  })
})
