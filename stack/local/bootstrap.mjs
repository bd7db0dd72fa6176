#!/usr/bin/env node
// `npm start` / `npm test` / `npm run bench` on a fresh machine: installs whatever is missing
// (npm dependencies, Redis, NATS, FerretDB, Chromium for the browser tests), then hands over to Bun.
// Plain Node on purpose: it runs before anything else is installed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync, mkdirSync, cpSync, writeFileSync, chmodSync, rmSync, renameSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { homedir, tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const mode = process.argv[2] ?? 'start'
const FERRETDB_VERSION = 'v1.24.2'
const ferretBin = join(homedir(), '.cache', 'easypass', `ferretdb-${FERRETDB_VERSION}`)

// Debian installs nats-server into /usr/sbin, which a normal user's PATH leaves out: look there too
// (and the processes started from here inherit it).
process.env.PATH = [process.env.PATH, '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':')

function say(line) {
  console.log(`[easypass] ${line}`)
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts })
  if (r.status !== 0) {
    console.error(`[easypass] failed: ${cmd} ${args.join(' ')}`)
    process.exit(r.status ?? 1)
  }
  return r
}
function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
}
/** `optional`: what fails to install is said, and the start goes on without it. */
function aptInstall(packages, optional = false) {
  // Not root: sudo, asking for a password only where someone can type it.
  const prefix = process.getuid && process.getuid() === 0 ? [] : process.stdin.isTTY ? ['sudo'] : ['sudo', '-n']
  const apt = (args) => [...prefix, 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args]
  say(`installing ${packages.join(', ')} from Debian's packages`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const exec = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', cwd: root, env })
  if (exec(apt(['update', '-qq'])).status !== 0) say('apt-get update failed; trying the install anyway')
  const install = apt(['install', '-y', '-qq', ...packages])
  if (exec(install).status !== 0) {
    if (optional) return say(`could not install ${packages.join(', ')}; going on without it`)
    const typed = [...(prefix.length ? ['sudo'] : []), ...install.slice(prefix.length)]
    console.error(`[easypass] could not install ${packages.join(', ')}. Run this once, then start again:\n  ${typed.join(' ')}`)
    process.exit(1)
  }
}

// 1. npm dependencies, when absent or older than the lockfile.
const installed = join(root, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  say('installing npm dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

// 2. Servers from Debian, unless the user points us at their own.
const missing = []
if (!process.env.REDIS_URL && !has('redis-server')) missing.push('redis-server')
if (!process.env.NATS_URL && !has('nats-server')) missing.push('nats-server')
if (mode === 'test' && !existsSync('/usr/bin/chromium')) missing.push('chromium')
// The wallet pass tests make their own signing certificates with it.
if (mode === 'test' && !has('openssl')) missing.push('openssl')
if (missing.length) aptInstall(missing)
// The ticket PDFs' fonts (Latin, Greek, Cyrillic); without them the PDFs show Latin-1 only, so a failed install is no reason to stop.
if (!existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')) aptInstall(['fonts-dejavu-core'], true)

// 3. FerretDB v1.24.2 (MongoDB wire protocol on SQLite), built once from the Go module proxy. Its
//    release build embeds a version file that `go install` leaves empty, so we build it with one.
if (!process.env.MONGO_URL && !existsSync(ferretBin)) {
  if (!has('go')) {
    console.error('[easypass] Go is needed once to build FerretDB (or set MONGO_URL to a MongoDB server)')
    process.exit(1)
  }
  say(`building FerretDB ${FERRETDB_VERSION} (once)`)
  const mod = spawnSync('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], { encoding: 'utf8', cwd: tmpdir() })
  if (mod.status !== 0) {
    console.error(mod.stderr)
    process.exit(1)
  }
  const source = JSON.parse(mod.stdout).Dir
  const work = join(tmpdir(), `easypass-ferretdb-${process.pid}`)
  // Built beside its place and moved there whole: an interrupted build never leaves a half binary
  // that later runs would take for the real one.
  const partial = `${ferretBin}.${process.pid}.partial`
  try {
    rmSync(work, { recursive: true, force: true })
    cpSync(source, work, { recursive: true })
    spawnSync('chmod', ['-R', 'u+w', work])
    writeFileSync(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`)
    mkdirSync(dirname(ferretBin), { recursive: true })
    const built = spawnSync('go', ['build', '-o', partial, './cmd/ferretdb'], { stdio: 'inherit', cwd: work })
    if (built.status !== 0) {
      console.error('[easypass] failed: go build of FerretDB')
      process.exitCode = 1
    } else {
      chmodSync(partial, 0o755)
      renameSync(partial, ferretBin)
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
    rmSync(partial, { force: true })
  }
  if (process.exitCode) process.exit(process.exitCode)
}

// 4. Hand over to Bun.
const bun = join(root, 'node_modules', '.bin', 'bun')
const args = {
  start: ['stack/local/start.ts'],
  test: ['test', '--timeout', '120000', ...process.argv.slice(3)],
  bench: ['tests/load/flash-sale.ts', ...process.argv.slice(3)],
  'bench-catalog': ['tests/load/gateway-throughput.ts', ...process.argv.slice(3)],
}[mode]
if (!args) {
  console.error(`[easypass] unknown mode ${mode}`)
  process.exit(2)
}
// Not spawnSync: a SIGINT or SIGTERM sent to this process alone (a process manager, `kill`) must reach
// Bun too, or the system it started would be left running.
const child = spawn(bun, args, { stdio: 'inherit', cwd: root, env: { ...process.env, FERRETDB_BIN: process.env.FERRETDB_BIN ?? ferretBin } })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
// `kill <npm's pid>`: npm hands the signal to the shell that runs this script, which ends without
// passing it on. This process is then handed to another parent: that too means stop.
const parent = process.ppid
const orphaned = setInterval(() => {
  if (process.ppid === parent) return
  clearInterval(orphaned)
  child.kill('SIGTERM')
}, 1000)
orphaned.unref()
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
