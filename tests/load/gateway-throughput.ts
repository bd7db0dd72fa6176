// `npm run bench:catalog`: GET /api/events through the gateway (gateway → catalog → FerretDB, with
// token-less rate limiting off) next to a bare Bun server answering the same bytes, both driven by
// wrk at 50 connections in the same run on the same machine. Prints a table; not a test.
import { cpus } from 'node:os'
import { bootSystem } from '../support/boot'
import { seedDemoData } from '../../stack/local/seed'

const DURATION = process.argv.includes('--quick') ? '5s' : '15s'
const system = await bootSystem({ RATE_LIMIT_DISABLED: 'true', LOG_LEVEL: 'error' })
await seedDemoData(system.gatewayUrl, system.admin.email, system.admin.password)
const url = `${system.gatewayUrl}/api/events?limit=20`
const body = await (await fetch(url)).text()
const bare = Bun.serve({ port: 0, fetch: () => new Response(body, { headers: { 'content-type': 'application/json' } }) })

function wrk(target: string) {
  const out = Bun.spawnSync(['wrk', '-t2', '-c50', `-d${DURATION}`, '--latency', target]).stdout.toString()
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  const p99 = /99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?'
  const p50 = /50%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?'
  const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? '0'
  return { rps, p50, p99, errors }
}
const viaGateway = wrk(url)
const bareBun = wrk(`http://127.0.0.1:${bare.port}/`)
console.log(`
| GET /api/events (${body.length} bytes), wrk 50 connections, ${DURATION} | requests/s | p50 | p99 | non-2xx |
|---|---|---|---|---|
| bare Bun server, same bytes | ${bareBun.rps.toFixed(0)} | ${bareBun.p50} | ${bareBun.p99} | ${bareBun.errors} |
| EasyPass gateway → catalog → FerretDB | ${viaGateway.rps.toFixed(0)} | ${viaGateway.p50} | ${viaGateway.p99} | ${viaGateway.errors} |
| ratio | ${(viaGateway.rps / bareBun.rps).toFixed(3)} | | | |
machine: ${cpus().length} × ${cpus()[0]?.model}; ${new Date().toISOString()}`)
bare.stop(true)
await system.stopAll()
process.exit(0)
