// `npm run bench:catalog`: GET /api/events through the gateway (gateway → catalog → FerretDB, with
// token-less rate limiting off) next to a bare Bun server answering the same bytes, both driven by
// wrk at 50 connections in the same run on the same machine. Prints a table; not a test.
import { cpus } from 'node:os'
import { bootSystem } from '../support/boot'
import { seedDemoData } from '../../stack/local/seed'

const DURATION = process.argv.includes('--quick') ? '5s' : '15s'
const system = await bootSystem({ RATE_LIMIT_DISABLED: 'true', LOG_LEVEL: 'error' }, { fresh: true })
await seedDemoData(system.gatewayUrl, system.admin.email, system.admin.password)
const url = `${system.gatewayUrl}/api/events?limit=20`
const body = await (await fetch(url)).text()
// The bare server is its own process, like the gateway: wrk must not share an event loop with it.
const barePort = 4190
const bodyFile = `/tmp/easypass-bench-body-${process.pid}.json`
await Bun.write(bodyFile, body)
const bare = Bun.spawn([process.execPath, '-e', `const b = await Bun.file(${JSON.stringify(bodyFile)}).text(); Bun.serve({ port: ${barePort}, hostname: '127.0.0.1', fetch: () => new Response(b, { headers: { 'content-type': 'application/json' } }) })`], { stdout: 'ignore', stderr: 'inherit' })
await Bun.sleep(500)

async function wrk(target: string) {
  const proc = Bun.spawn(['wrk', '-t2', '-c50', `-d${DURATION}`, '--latency', target], { stdout: 'pipe' })
  const out = await new Response(proc.stdout).text()
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  const p99 = /99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?'
  const p50 = /50%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?'
  const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? '0'
  return { rps, p50, p99, errors }
}
const viaGateway = await wrk(url)
const bareBun = await wrk(`http://127.0.0.1:${barePort}/`)
console.log(`
| GET /api/events (${body.length} bytes), wrk 50 connections, ${DURATION} | requests/s | p50 | p99 | non-2xx |
|---|---|---|---|---|
| bare Bun server, same bytes | ${bareBun.rps.toFixed(0)} | ${bareBun.p50} | ${bareBun.p99} | ${bareBun.errors} |
| EasyPass gateway → catalog → FerretDB | ${viaGateway.rps.toFixed(0)} | ${viaGateway.p50} | ${viaGateway.p99} | ${viaGateway.errors} |
| ratio | ${(viaGateway.rps / bareBun.rps).toFixed(3)} | | | |
machine: ${cpus().length} × ${cpus()[0]?.model}; ${new Date().toISOString()}`)
bare.kill()
await system.stopAll()
process.exit(0)
