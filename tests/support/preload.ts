// Preloaded by `bun test` (bunfig.toml): one whole EasyPass system for the run, on real Redis, NATS
// and FerretDB, shared by every test file through `system()`, and stopped after the last test.
import { afterAll } from 'bun:test'
import { bootSystem } from './boot'

const system = await bootSystem()
;(globalThis as { __easypass?: unknown }).__easypass = system
afterAll(async () => {
  await system.stopAll()
  await system.infra.stop()
})
