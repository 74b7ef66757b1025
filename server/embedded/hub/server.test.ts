import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHub } from './index'
import { startFakeErp, type FakeErp } from './testing/fakeErp'
import { TEST_HUB_TOKEN, readSse } from './testing/harness'

/** startHub: the hub on a real port, as `npm start` and the CLI run it. */
describe('startHub', () => {
  let erp: FakeErp
  beforeAll(async () => {
    erp = await startFakeErp()
  })
  afterAll(() => erp.close())

  it('serves SSE over HTTP, and close() ends the streams and frees the port', async () => {
    const server = await startHub({
      erpUrl: erp.url,
      erpToken: erp.token,
      hubToken: TEST_HUB_TOKEN,
      dataDir: null,
      port: 0,
    })
    const res = await fetch(`${server.url}/sse?topics=jobs`, { headers: { authorization: `Bearer ${TEST_HUB_TOKEN}` } })
    expect(res.status).toBe(200)
    const reading = readSse(res, 1)
    server.hub.events.publish('job.updated', { name: 'DJ-2026-00001', modified: '2026-11-27 10:00:00.000000' })
    expect((await reading)[0]).toMatchObject({ id: 1, event: 'job.updated' })

    const open = await fetch(`${server.url}/sse`, { headers: { authorization: `Bearer ${TEST_HUB_TOKEN}` } })
    const reader = open.body!.getReader()
    await reader.read()
    await server.close()
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended'
      })(),
    ).resolves.toBe('ended')

    const port = Number(new URL(server.url).port)
    await new Promise<void>((resolve, reject) => {
      const probe = createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => probe.close(() => resolve()))
    })
  })

  it('refuses a malformed HUB_FAULTS at start-up instead of ignoring it', async () => {
    await expect(
      startHub({
        erpUrl: erp.url,
        erpToken: erp.token,
        hubToken: 't',
        dataDir: null,
        port: 0,
        faults: 'vision.fial=2',
      }),
    ).rejects.toThrow(/vision.fial/)
  })
})
