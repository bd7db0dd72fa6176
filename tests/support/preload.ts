// Preloaded by `bun test` (bunfig.toml): one whole EasyPass system for the run, on real Redis, NATS
// and FerretDB, shared by every test file through `system()`, and stopped after the last test.
import { afterAll } from 'bun:test'
import { bootSystem } from './boot'

const system = await bootSystem()
;(globalThis as { __easypass?: unknown }).__easypass = system
// Stopping every service takes longer than bun's default hook time (5 s): without its own timeout the
// hook was cut short and Redis, NATS and FerretDB were left running after the tests.
afterAll(async () => {
  try {
    await system.stopAll()
  } finally {
    await system.infra.stop()
  }
}, 60_000)
