// The `web` process: serves the browser app. Hashed assets are cached for a year; every other path
// gets index.html so any URL of the app opened directly (or reloaded) works. The gateway forwards
// every path outside `/api` here. In production a prebuilt `web/dist` is served when present
// (`bun web/bundle.ts --out web/dist`); otherwise the bundle is built in memory at start.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { drain, isDraining, stopWithSupervisor } from '@easypass/kit/supervisor'
import { requestIdOf } from '@easypass/kit/request-id'
import { buildBundle, readBundle, type Bundle, type BuiltFile } from './bundle'

const PORT = Number(process.env.PORT ?? 4107)
const HOST = process.env.HOST ?? '0.0.0.0'
const PRODUCTION = process.env.NODE_ENV === 'production'
/** On SIGTERM, how long to go on serving with /live at 503 before stopping (0 locally). */
const DRAIN_MS = Math.min(15_000, Math.max(0, Number(process.env.SHUTDOWN_DRAIN_MS ?? 0) || 0))
const DIST = join(import.meta.dir, 'dist')

function log(level: string, msg: string, extra: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ level, time: new Date().toISOString(), service: 'web', msg, ...extra }))
}

const started = performance.now()
const prebuilt = PRODUCTION && existsSync(join(DIST, 'manifest.json'))
let bundle: Bundle
try {
  bundle = prebuilt ? await readBundle(DIST) : await buildBundle()
} catch (error) {
  log('fatal', 'could not build the web app', { err: String(error) })
  process.exit(1)
}
log('info', prebuilt ? 'serving prebuilt bundle' : 'bundle built', { assets: bundle.assets.size, ms: Math.round(performance.now() - started) })

// The app talks only to its own origin; QR codes are SVG data URLs; event images may live elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
}

function send(request: Request, built: BuiltFile, headers: Record<string, string>, requestId: string) {
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
  const body = gzip ? built.gzip : built.body
  return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
    headers: {
      'content-type': built.type,
      'content-length': String(body.length),
      vary: 'accept-encoding',
      'x-request-id': requestId,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...headers,
    },
  })
}

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { 'x-request-id': requestId, 'cache-control': 'no-store', ...extra } })
}


const server = Bun.serve({
  port: PORT,
  hostname: HOST,
  // Longer than Traefik keeps an idle connection to us (30 s): it closes first, so no request is sent
  // on a connection this side is closing.
  idleTimeout: 40,
  fetch(request) {
    const url = new URL(request.url)
    const given = request.headers.get('x-request-id')
    const requestId = requestIdOf(given)
    // While draining (see `drain`), 503: Traefik takes this replica out while it still serves.
    if (url.pathname === '/live') return isDraining() ? json(503, { status: 'draining', service: 'web' }, requestId) : json(200, { status: 'ok', service: 'web' }, requestId)
    if (url.pathname === '/health') return json(200, { status: 'ok', service: 'web', assets: bundle.assets.size }, requestId)
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'the web app only answers GET' } }, requestId, { allow: 'GET, HEAD' })
    if (url.pathname.startsWith('/assets/')) {
      const asset = bundle.assets.get(url.pathname)
      // A missing asset is a 404, never index.html: a stale page must fail loudly, not parse HTML as script.
      if (!asset) return json(404, { error: { code: 'NOT_FOUND', message: 'no such asset' } }, requestId)
      return send(request, asset, { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' }, requestId)
    }
    if (url.pathname.startsWith('/api/') || url.pathname === '/api')
      return json(404, { error: { code: 'NOT_FOUND', message: 'no such route' } }, requestId)
    return send(request, bundle.index, { 'cache-control': 'no-cache', ...SECURITY_HEADERS }, requestId)
  },
  error(error) {
    log('error', 'request failed', { err: String(error) })
    return Response.json({ error: { code: 'INTERNAL', message: 'internal error' } }, { status: 500 })
  },
})
log('info', 'listening', { port: server.port })

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log('info', 'shutting down', { signal })
  await drain(DRAIN_MS)()
  await server.stop()
  process.exit(0)
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal))
stopWithSupervisor(() => void shutdown('supervisor gone'))
