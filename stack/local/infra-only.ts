// Keeps the test servers (Redis, NATS, FerretDB on the test ports) running for repeated test runs
// during development: `bun stack/local/infra-only.ts &`. Test runs reuse servers already listening.
import { join } from 'node:path'
import { startInfra } from './infra'
import { ROOT } from './services'

const infra = await startInfra({ dataDir: join(ROOT, '.data', 'test'), redisPort: 6399, natsPort: 4299, mongoPort: 27099, log: console.log })
console.log(`test servers up: ${infra.mongoUrl} ${infra.redisUrl} ${infra.natsUrl}`)
process.on('SIGINT', () => infra.stop().then(() => process.exit(0)))
process.on('SIGTERM', () => infra.stop().then(() => process.exit(0)))
await new Promise(() => {})
