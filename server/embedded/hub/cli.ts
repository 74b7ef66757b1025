/**
 * Runs the embedded hub on its own:
 *
 *   ERP_URL=http://127.0.0.1:8000 ERP_TOKEN=key:secret tsx server/embedded/hub/cli.ts --port 8100
 *
 * Env: ERP_URL, ERP_TOKEN (required), HUB_TOKEN (default demo-hub-token), DATA_DIR (users store and
 * outbox; unset = memory only), HUB_FAULTS (see faults.ts), HUB_TEST_HOOKS=1 (mounts /_test/*).
 * Flags: --port N (default 8100; 0 = any), --host H (default 127.0.0.1).
 */
import { parseArgs } from 'node:util'
import { DEMO_HUB_TOKEN, startHub } from './index'
import { FaultSpecError } from './faults'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8100' }, host: { type: 'string', default: '127.0.0.1' } },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`)
  const erpUrl = process.env.ERP_URL
  const erpToken = process.env.ERP_TOKEN
  if (!erpUrl || !erpToken) throw new Error('ERP_URL and ERP_TOKEN are required (the ERPNext the hub reads and writes)')

  const server = await startHub({
    erpUrl,
    erpToken,
    port,
    host: values.host,
    hubToken: process.env.HUB_TOKEN || DEMO_HUB_TOKEN,
    dataDir: process.env.DATA_DIR || null,
    faults: process.env.HUB_FAULTS,
    testHooks: process.env.HUB_TEST_HOOKS === '1',
  })
  console.log(
    `embedded hub on ${server.url} (ERPNext ${erpUrl}${process.env.HUB_FAULTS ? `, faults: ${process.env.HUB_FAULTS}` : ''})`,
  )
  const stop = () => {
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof FaultSpecError ? `HUB_FAULTS: ${err.message}` : err instanceof Error ? err.message : err)
  process.exit(1)
})
