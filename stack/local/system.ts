// Runs every EasyPass process on this machine under a small supervisor: shared by `npm start`
// (fixed ports, restarts crashed processes) and the test harness (free ports, fresh namespaces).
import { secretsFor } from './secrets'
import { mkdirSync, openSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { ROOT, presentProcesses, type ProcessSpec } from './services'
import { natsUserOf, portOpen, waitForPort } from './infra'
import { redisUserOf } from './redis-users'
import { BaseEnv, createLogger } from '@easypass/kit'
import { createFactsStream } from '../nats/facts-stream'

export interface SystemOptions {
  env: Record<string, string>
  ports: Record<string, number>
  logDir: string
  restartOnCrash: boolean
  /**
   * Each NATS user's URL (`Infra.natsUsers`): a process then gets its service's as NATS_URL (a worker
   * its service's), the gateway and web none. Empty or absent: every process gets `env.NATS_URL`.
   */
  natsUsers?: Record<string, string>
  /**
   * Each Redis user's URL (`setRedisUsers`): a process then gets its service's as REDIS_URL (a worker its
   * service's), and a process of a service without Redis (catalog, payments, web) none.
   */
  redisUsers?: Record<string, string>
  log?: (line: string) => void
}

export interface RunningSystem {
  gatewayUrl: string
  urls: Record<string, string>
  specs: ProcessSpec[]
  /** Processes that did not come up at start. */
  failed: string[]
  /** Stops one process (SIGTERM, or SIGKILL with `hard`) and keeps it stopped. */
  stop(name: string, hard?: boolean): Promise<void>
  /** Starts a stopped process again and waits for its port; `env` overrides settings until the next start. */
  start(name: string, env?: Record<string, string>): Promise<void>
  pid(name: string): number | undefined
  /** Every process running, copies included. */
  pids(): number[]
  /**
   * Starts one more copy of a process, as a second Swarm replica would run: its own port and log, the
   * same settings otherwise. `stop` takes the name it returns.
   */
  startCopy(name: string, port: number, env?: Record<string, string>): Promise<string>
  stopAll(): Promise<void>
}

export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const log = opts.log ?? (() => {})
  mkdirSync(opts.logDir, { recursive: true })
  const specs = presentProcesses()
  const urls: Record<string, string> = {}
  const serviceUrls: Record<string, string> = {}
  for (const spec of specs) {
    const port = opts.ports[spec.name] ?? spec.port
    urls[spec.name] = `http://127.0.0.1:${port}`
    if (spec.urlName) serviceUrls[`${spec.urlName}_URL`] = urls[spec.name]!
  }
  const children = new Map<string, Subprocess>()
  const wanted = new Set<string>()
  const restarts = new Map<string, number>()

  const overrides = new Map<string, Record<string, string>>()
  /** The process's own NATS user, when the server has users; none for a process without one (the gateway, web). */
  const natsUrlOf = (name: string): Record<string, string | undefined> => {
    if (!opts.natsUsers || !Object.keys(opts.natsUsers).length) return {}
    const user = natsUserOf(name)
    if (user && !opts.natsUsers[user]) throw new Error(`${name}: stack/nats/users.conf has no NATS user ${user}`)
    return { NATS_URL: user ? opts.natsUsers[user] : undefined }
  }
  /** The process's own Redis user, when the server has users; none for a service that uses no Redis. */
  const redisUrlOf = (name: string): Record<string, string | undefined> => {
    if (!opts.redisUsers || !Object.keys(opts.redisUsers).length) return {}
    const user = redisUserOf(name)
    if (user && !opts.redisUsers[user]) throw new Error(`${name}: stack/redis/users.acl has no Redis user ${user}`)
    return { REDIS_URL: user ? opts.redisUsers[user] : undefined }
  }
  /** `key` names this process (the spec's name, or a copy's); `port` is where it listens. */
  function spawn(spec: ProcessSpec, key = spec.name, port = opts.ports[spec.name] ?? spec.port) {
    // Appended, not truncated: the log of a process that crashed or was killed survives its restart.
    const logFile = openSync(join(opts.logDir, `${key}.log`), 'a')
    // EASYPASS_CPU_PROFILE=<dir>: every process writes a CPU profile (also as markdown) there when it stops.
    const profile = process.env.EASYPASS_CPU_PROFILE ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${process.env.EASYPASS_CPU_PROFILE}`, `--cpu-prof-name=${key}.cpuprofile`] : []
    // Keys a process must not hold (`secretsFor`): the users' signing key outside auth, another service's key, the HMAC secret outside orders and notifications.
    const env: Record<string, string | undefined> = secretsFor(spec.name, {
      ...process.env,
      // Only the gateway is reached from outside this machine; every other process answers on loopback
      // (a service reached directly would bypass the gateway's limits and trust any x-real-ip).
      HOST: spec.name === 'gateway' ? '0.0.0.0' : '127.0.0.1',
      // Where the web app is opened: links in emails (password reset) point there.
      PUBLIC_URL: process.env.PUBLIC_URL || urls.gateway!.replace('127.0.0.1', 'localhost'),
      ...opts.env,
      ...natsUrlOf(spec.name),
      ...redisUrlOf(spec.name),
      ...serviceUrls,
      ...overrides.get(key),
      PORT: String(port),
      SERVICE_NAME: spec.name,
      EASYPASS_SUPERVISOR_PID: String(process.pid),
    })
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
    const child = Bun.spawn([process.execPath, ...profile, join(ROOT, spec.entry)], {
      cwd: ROOT,
      env,
      stdout: logFile,
      stderr: logFile,
      stdin: 'ignore',
    })
    children.set(key, child)
    child.exited.then((code) => {
      closeSync(logFile)
      if (children.get(key) !== child) return
      children.delete(key)
      if (!wanted.has(key)) return
      log(`${key} exited with ${code}`)
      if (!opts.restartOnCrash) return
      const n = (restarts.get(key) ?? 0) + 1
      restarts.set(key, n)
      setTimeout(() => wanted.has(key) && !children.has(key) && spawn(spec, key, port), Math.min(30_000, 500 * 2 ** Math.min(n, 6)))
    })
    return port
  }

  async function start(name: string, env?: Record<string, string>) {
    const spec = specs.find((s) => s.name === name)
    if (!spec) throw new Error(`no process ${name}`)
    wanted.add(name)
    if (env) overrides.set(name, env)
    else overrides.delete(name)
    if (!children.has(name)) {
      // Something else on its port would be taken for it (it would fail to listen, and restart for ever).
      const wantedPort = opts.ports[spec.name] ?? spec.port
      if (await portOpen(wantedPort)) throw new Error(`port ${wantedPort}, ${name}'s, is taken by another program (EasyPass started twice?)`)
      const port = spawn(spec)
      await waitForPort(port, `${name} (see ${join(opts.logDir, name + '.log')})`, 30_000)
    }
  }

  async function stop(name: string, hard = false) {
    wanted.delete(name)
    const child = children.get(name)
    if (!child) return
    child.kill(hard ? 'SIGKILL' : 'SIGTERM')
    await Promise.race([child.exited, Bun.sleep(15_000)])
    if (!hard) child.kill('SIGKILL')
  }

  // Services first (in parallel), the gateway last so that it is ready only when they are. A process
  // that does not come up is reported and left out: the rest of the system still runs (and the
  // tests that need the missing part fail on their own, with its log file named).
  const failed: string[] = []
  const tryStart = (name: string) =>
    start(name).catch((error) => {
      failed.push(name)
      wanted.delete(name)
      children.get(name)?.kill('SIGKILL')
      log(`${name} did not start: ${error instanceof Error ? error.message : error}`)
    })
  // No service's NATS user may create the facts stream: the operator makes it first, as the stack's nats-init does.
  const operator = opts.natsUsers?.easypass
  if (operator) await createFactsStream(operator, opts.env.BUS_PREFIX || BaseEnv.BUS_PREFIX.default, createLogger('nats-init', 'warn'))
  await Promise.all(specs.filter((s) => s.name !== 'gateway').map((s) => tryStart(s.name)))
  if (specs.some((s) => s.name === 'gateway')) await tryStart('gateway')
  log(`started ${specs.filter((s) => !failed.includes(s.name)).map((s) => s.name).join(', ')}`)

  return {
    failed,
    gatewayUrl: urls.gateway ?? '',
    urls,
    specs,
    stop,
    start,
    pid: (name) => children.get(name)?.pid,
    pids: () => [...children.values()].map((c) => c.pid),
    async startCopy(name, port, env) {
      const spec = specs.find((s) => s.name === name)
      if (!spec) throw new Error(`no process ${name}`)
      const key = `${name}:${port}`
      wanted.add(key)
      if (env) overrides.set(key, env)
      if (!children.has(key)) {
        spawn(spec, key, port)
        try {
          await waitForPort(port, `${key} (see ${join(opts.logDir, key + '.log')})`, 30_000)
        } catch (error) {
          // Not up: not left running (a copy that came up late would take work meanwhile).
          wanted.delete(key)
          overrides.delete(key)
          children.get(key)?.kill('SIGKILL')
          throw error
        }
      }
      return key
    },
    async stopAll() {
      const names = [...children.keys()]
      // Gateway first so no new work comes in, then everything else at once.
      if (names.includes('gateway')) await stop('gateway')
      await Promise.all(names.filter((n) => n !== 'gateway').map((n) => stop(n)))
    },
  }
}

/** Kills every child synchronously: the last resort when the parent is exiting. */
export function killOnExit(system: () => RunningSystem | undefined) {
  const killAll = () => {
    const s = system()
    if (!s) return
    for (const pid of s.pids()) try { process.kill(pid, 'SIGKILL') } catch {}
  }
  process.on('exit', killAll)
}
