// Makes the facts stream as NATS's operator user: no service's user may create a stream
// (stack/nats/users.conf), since one that could would capture other users' subjects (another service's
// inbox replies) into a stream of its own and read them there with a consumer it may make. The Swarm
// stack runs it as the nats-init service (with the operator's URL from the secret easypass_nats_url)
// whenever that service's spec changes, or by hand (`docker service update --force`); the local launcher calls `createFactsStream` before it starts the services. A
// stream already there is brought to the limits the code needs; nothing else changes.
//   NATS_URL_FILE=/run/secrets/easypass_nats_url BUS_PREFIX=easypass bun stack/nats/facts-stream.ts
import { readFileSync } from 'node:fs'
import { Bus, connectNats, createLogger, type Logger } from '@easypass/kit'

/** Makes the facts stream of `prefix` (or brings its limits in line) as the user of `url`; its name. Throws when that user may not. */
export async function createFactsStream(url: string, prefix: string, log: Logger): Promise<string> {
  const nc = await connectNats(url, 'nats-init', log)
  try {
    const bus = new Bus({ nc, prefix, log, operator: true })
    await bus.ensureStream()
    return bus.stream
  } finally {
    await nc.drain().catch(() => {})
  }
}

if (import.meta.main) {
  const log = createLogger('nats-init', 'info')
  const file = process.env.NATS_URL_FILE
  const url = file ? readFileSync(file, 'utf8').trim() : process.env.NATS_URL
  const prefix = process.env.BUS_PREFIX ?? 'easypass'
  if (!url || !/^[A-Za-z0-9_-]+$/.test(prefix)) {
    log.fatal({ prefix }, "set NATS_URL_FILE (the operator's URL: the secret easypass_nats_url) or NATS_URL, and BUS_PREFIX to letters, digits, _ and -")
    process.exit(2)
  }
  try {
    log.info({ stream: await createFactsStream(url, prefix, log) }, 'the facts stream is there')
    process.exit(0)
  } catch (error) {
    log.fatal({ err: String(error) }, 'the facts stream could not be made')
    process.exit(1)
  }
}
