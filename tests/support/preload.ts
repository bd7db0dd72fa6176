// Preloaded by `bun test` (bunfig.toml): one whole EasyPass system for the run, on real Redis, NATS
// and FerretDB, shared by every test file through `system()`.
import { bootSystem } from './boot'

;(globalThis as { __easypass?: unknown }).__easypass = await bootSystem()
