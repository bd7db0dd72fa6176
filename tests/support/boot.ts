// Starts one whole EasyPass system in a fresh namespace on real servers: used by the test preload
// and by the benchmarks. Servers already listening on the test ports are reused (or MONGO_URL,
// REDIS_URL, NATS_URL point elsewhere); every run gets its own database names, Redis and NATS prefixes.
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { startInfra, freePort } from '../../stack/local/infra'
import { setRedisUsers } from '../../stack/local/redis-users'
import { startSystem, killOnExit, type RunningSystem } from '../../stack/local/system'
import { ROOT, presentProcesses } from '../../stack/local/services'
import { newTokenKeys, tokenKeysEnv } from '../../stack/local/secrets'
import type { TestSystem } from './system'

/**
 * `fresh`: servers of its own on free ports (benchmarks: nothing else may share or slow them).
 * Otherwise servers already listening on the test ports are reused, or started empty.
 */
/** A run's folder may be deleted once it started this long ago: longer than any test run (CI stops one after 80 minutes) or bench. */
const RUN_KEPT_MS = 3 * 3_600_000

/**
 * Deletes the folders of earlier runs in `dir` (names `<prefix>t<start time in base 36><random>`), except
 * the `keep` newest and any started within RUN_KEPT_MS: a run still going (a long CI run, a bench)
 * keeps its folder however many short runs start meanwhile.
 */
function pruneOldRuns(dir: string, prefix: string, keep: number) {
  if (!existsSync(dir)) return
  const runs = readdirSync(dir)
    .map((name) => ({ name, started: /^t([0-9a-z]{8})/.exec(name.slice(prefix.length))?.[1] }))
    .filter((run): run is { name: string; started: string } => run.name.startsWith(prefix) && !!run.started)
    .map((run) => ({ path: join(dir, run.name), at: parseInt(run.started, 36) }))
    .sort((a, b) => b.at - a.at)
  for (const { path, at } of runs.slice(keep)) if (Date.now() - at > RUN_KEPT_MS) rmSync(path, { recursive: true, force: true })
}

export async function bootSystem(extraEnv: Record<string, string> = {}, opts: { fresh?: boolean } = {}): Promise<TestSystem> {
  const namespace = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  const dataDir = join(ROOT, '.data', opts.fresh ? `bench-${namespace}` : 'test')
  // The logs of earlier runs are kept for a look after a failure, the last ten of each kind only.
  pruneOldRuns(join(ROOT, '.data'), 'bench-', 9)
  pruneOldRuns(join(ROOT, '.data', 'test', 'logs'), '', 9)
  const infra = opts.fresh
    ? await startInfra({ dataDir, redisPort: await freePort(), natsPort: await freePort(), mongoPort: await freePort(), disposable: true })
    : await startInfra({ dataDir, redisPort: 6399, natsPort: 4299, mongoPort: 27099, disposable: true })
  const ports: Record<string, number> = {}
  for (const spec of presentProcesses()) ports[spec.name] = await freePort()
  const admin = { email: `admin-${namespace}@easypass.test`, password: randomBytes(12).toString('base64url') }
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    MONGO_URL: infra.mongoUrl,
    REDIS_URL: infra.redisUrl,
    NATS_URL: infra.natsUrl,
    MONGO_DB_PREFIX: namespace,
    REDIS_PREFIX: namespace,
    BUS_PREFIX: namespace,
    ...tokenKeysEnv(newTokenKeys()),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    // List prices are left out when ticketing answers slower than this: not while a test runs on a busy machine.
    TICKETING_SUMMARY_TIMEOUT_MS: '3000',
    // Every test account and every benchmark buyer is created from this machine's one address.
    REGISTRATIONS_PER_IP: '1000000',
    ...extraEnv,
  }
  let system: RunningSystem | undefined
  killOnExit(() => system)
  // Each service's processes as its Redis user, allowed its own keys under this run's prefix only.
  const redisUsers = infra.ownsRedis ? await setRedisUsers(infra.redisUrl, env.REDIS_PREFIX) : undefined
  system = await startSystem({ env, ports, natsUsers: infra.natsUsers, redisUsers, logDir: join(dataDir, 'logs', namespace), restartOnCrash: false, log: (line) => line.includes('did not start') && console.warn(`[easypass test] ${line}`) })
  return { ...system, env, admin, namespace, infra, redisUsers: redisUsers ?? {} }
}
