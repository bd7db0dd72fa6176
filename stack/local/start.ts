// `npm start`: the whole of EasyPass on this machine, with demo data, until Ctrl-C.
import { join } from 'node:path'
import { portOpen, startInfra } from './infra'
import { setRedisUsers } from './redis-users'
import { BaseEnv } from '@easypass/kit'
import { startSystem, killOnExit, type RunningSystem } from './system'
import { localSecrets, tokenKeysEnv } from './secrets'
import { ROOT } from './services'
import { seedDemoData } from './seed'

const dataDir = process.env.EASYPASS_DATA_DIR ?? join(ROOT, '.data')
const port = Number(process.env.PORT ?? 8080)
const say = (line: string) => console.log(`[easypass] ${line}`)

const secrets = localSecrets(join(dataDir, 'secrets.json'))
const adminEmail = process.env.ADMIN_EMAIL ?? 'admin@easypass.local'
const adminPassword = process.env.ADMIN_PASSWORD ?? secrets.adminPassword

const startedAt = performance.now()
// Another EasyPass (or any program) on the gateway's port: stop before touching the shared servers (a
// second start would give their Redis users new passwords under the first one's feet).
if (await portOpen(port)) {
  say(`port ${port} is taken: is EasyPass running already? (another port: PORT=8081 npm start)`)
  process.exit(1)
}
const infra = await startInfra({ dataDir, redisPort: 6390, natsPort: 4232, mongoPort: 27017, log: say })
let system: RunningSystem | undefined
killOnExit(() => system)
// Each service's processes as its Redis user (stack/redis/users.acl), under the default key prefix.
const redisUsers = infra.ownsRedis ? await setRedisUsers(infra.redisUrl, process.env.REDIS_PREFIX || BaseEnv.REDIS_PREFIX.default) : undefined
system = await startSystem({
  env: {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    MONGO_URL: infra.mongoUrl,
    REDIS_URL: infra.redisUrl,
    NATS_URL: infra.natsUrl,
    ...tokenKeysEnv(secrets, process.env),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    // The demo's receipts are invoices from a made-up issuer (unless one is given).
    INVOICE_ISSUER_NAME: process.env.INVOICE_ISSUER_NAME ?? 'EasyPass Demo Oy',
    INVOICE_ISSUER_ADDRESS: process.env.INVOICE_ISSUER_ADDRESS ?? 'Esimerkkikatu 1, 00100 Helsinki',
    INVOICE_ISSUER_TAX_ID: process.env.INVOICE_ISSUER_TAX_ID ?? 'FI00000000',
  },
  ports: { gateway: port },
  natsUsers: infra.natsUsers,
  redisUsers,
  logDir: join(dataDir, 'logs'),
  restartOnCrash: true,
  log: say,
})
const url = `http://localhost:${port}`
const seeded = await seedDemoData(system.gatewayUrl, adminEmail, adminPassword).catch((error) => {
  say(`demo data not seeded: ${error instanceof Error ? error.message : error}`)
  return 0
})
if (seeded) say(`seeded ${seeded} demo events`)
say(`ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`)
console.log(`
  EasyPass is running at ${url}
  API:        ${url}/api        (Swagger UI: ${url}/api/docs)
  Admin:      ${adminEmail} / ${adminPassword}
  Logs:       ${join(dataDir, 'logs')}
  Stop with Ctrl-C; data stays in ${dataDir}.
`)

let stopping = false
async function shutdown() {
  if (stopping) return
  stopping = true
  say('stopping…')
  await system?.stopAll()
  await infra.stop()
  say('stopped')
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
