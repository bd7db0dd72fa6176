// The whole repository type-checks: services, gateway, web, tests, and the k6 scripts against k6's
// own types (@types/k6), which the Bun runtime never loads and would otherwise only meet in k6.
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { ROOT } from '../stack/local/services'

const tsc = join(ROOT, 'node_modules', '.bin', 'tsc')

for (const [what, project] of [
  ['services, gateway, web and tests', 'tsconfig.json'],
  ['the k6 scripts', 'tests/load/tsconfig.json'],
] as const) {
  test(`${what} type-check (${project})`, () => {
    const run = Bun.spawnSync([tsc, '-p', join(ROOT, project), '--noEmit'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    const output = `${run.stdout.toString()}${run.stderr.toString()}`
    expect(output).toBe('')
    expect(run.exitCode).toBe(0)
  }, 120_000)
}
