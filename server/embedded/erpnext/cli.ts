/**
 * Runs the embedded ERPNext on its own:
 *   tsx server/embedded/erpnext/cli.ts --port 8000 [--host 127.0.0.1] [--data-dir ./data]
 * Environment: ERP_TOKEN (default the demo credentials), DATA_DIR (default ./data), SEED_PROFILE.
 */
import { parseArgs } from 'node:util'
import { DEMO_ERP_TOKEN, startErpnext, type ErpnextOptions } from './index'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8000' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
  },
})

const profile = process.env.SEED_PROFILE ?? 'demo'
if (profile !== 'demo' && profile !== 'large' && profile !== 'none') {
  console.error(`SEED_PROFILE must be demo, large or none, not ${profile}`)
  process.exit(2)
}
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`)
  process.exit(2)
}

const server = await startErpnext({
  port,
  host: values.host,
  dataDir: values['data-dir'] ?? process.env.DATA_DIR ?? './data',
  token: process.env.ERP_TOKEN || DEMO_ERP_TOKEN,
  seedProfile: profile as NonNullable<ErpnextOptions['seedProfile']>,
})
console.log(`Embedded ERPNext listening on ${server.url}`)

const stop = () => {
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
