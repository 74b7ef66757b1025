/**
 * One HTTP call to an upstream, answered as text: node:http(s) over kept-alive connections, a
 * pool per origin. The BFF's every read crosses this, so it stays lean: no stream adapters, no
 * per-call agent, the body gathered as buffers and decoded once.
 */
import http from 'node:http'
import https from 'node:https'

export interface TextAnswer {
  status: number
  body: string
  contentType: string | null
}

/** The call took longer than its budget (the socket is destroyed, nothing more is read). */
export class CallTimeout extends Error {}

const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 256, maxFreeSockets: 64 }
const httpAgent = new http.Agent(agentOptions)
const httpsAgent = new https.Agent(agentOptions)

export function httpText(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<TextAnswer> {
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  const headers =
    init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }
  return new Promise<TextAnswer>((resolve, reject) => {
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
    }
    const req = (secure ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port || (secure ? 443 : 80),
        path: target.pathname + target.search,
        method: init.method,
        headers,
        agent: secure ? httpsAgent : httpAgent,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 502,
              body: Buffer.concat(chunks).toString('utf8'),
              contentType: res.headers['content-type'] ?? null,
            }),
          ),
        )
        res.on('error', (err) => settle(() => reject(err)))
      },
    )
    const timer = setTimeout(() => {
      settle(() => reject(new CallTimeout(`no answer in ${init.timeoutMs} ms`)))
      req.destroy()
    }, init.timeoutMs)
    req.on('error', (err) => settle(() => reject(err)))
    req.end(init.body)
  })
}
