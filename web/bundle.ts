// Builds the browser app: one hashed entry, lazily loaded chunks (admin pages), one stylesheet and an
// index.html that references them. Used by `web/server.ts` at start and, with `--out <dir>`, to write a
// prebuilt `web/dist` (for images: `bun web/bundle.ts --out web/dist`).
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export interface BuiltFile {
  body: Uint8Array
  gzip: Uint8Array
  type: string
}

export interface Bundle {
  /** Keyed by URL path, e.g. `/assets/main-1a2b3c.js`. */
  assets: Map<string, BuiltFile>
  index: BuiltFile
  /** Files the first page loads (entry script, its static imports, the stylesheet). */
  initial: string[]
}

const WEB_DIR = import.meta.dir
const ASSET_PREFIX = '/assets/'

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json',
  map: 'application/json',
}

export function contentType(path: string) {
  return TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
}

function file(body: Uint8Array, path: string): BuiltFile {
  return { body, gzip: Bun.gzipSync(body as Uint8Array<ArrayBuffer>, { level: 9 }), type: contentType(path) }
}

function indexHtml(scripts: string[], styles: string[], preloads: string[]) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="EasyPass: find events and buy tickets.">
<meta name="theme-color" content="#3730a3">
<title>EasyPass</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%233730a3'/%3E%3Cpath d='M9 10h14v4a2 2 0 0 0 0 4v4H9v-4a2 2 0 0 0 0-4z' fill='%23fff'/%3E%3C/svg%3E">
${styles.map((s) => `<link rel="stylesheet" href="${s}">`).join('\n')}
${preloads.map((s) => `<link rel="modulepreload" href="${s}">`).join('\n')}
${scripts.map((s) => `<script type="module" src="${s}"></script>`).join('\n')}
</head>
<body>
<div id="app"><noscript>EasyPass needs JavaScript to run in this browser.</noscript></div>
</body>
</html>
`
}

export async function buildBundle(): Promise<Bundle> {
  const result = await Bun.build({
    entrypoints: [join(WEB_DIR, 'src/main.tsx')],
    minify: true,
    splitting: true,
    target: 'browser',
    format: 'esm',
    publicPath: ASSET_PREFIX,
    naming: { entry: '[name]-[hash].[ext]', chunk: 'chunk-[hash].[ext]', asset: '[name]-[hash].[ext]' },
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  if (!result.success) throw new AggregateError(result.logs, 'web bundle failed')
  const assets = new Map<string, BuiltFile>()
  let entry: string | undefined
  const styles: string[] = []
  for (const output of result.outputs) {
    const name = output.path.replace(/^\.?\//, '')
    const url = ASSET_PREFIX + name
    assets.set(url, file(new Uint8Array(await output.arrayBuffer()), name))
    if (output.kind === 'entry-point') entry = url
    if (name.endsWith('.css')) styles.push(url)
  }
  if (!entry) throw new Error('web bundle has no entry point')
  // The chunks the entry imports statically load with it; preloading them saves a round trip.
  const entrySource = new TextDecoder().decode(assets.get(entry)!.body)
  const preloads = [...assets.keys()].filter((url) => url !== entry && url.endsWith('.js') && staticallyImports(entrySource, url))
  const index = file(new TextEncoder().encode(indexHtml([entry], styles, preloads)), 'index.html')
  return { assets, index, initial: [entry, ...preloads, ...styles] }
}

function staticallyImports(source: string, url: string) {
  const name = url.slice(url.lastIndexOf('/') + 1)
  // `import{a as b}from"/assets/chunk-x.js"` or `import"/assets/chunk-x.js"`, but not `import("…")`.
  return new RegExp(`(?:from|import)\\s*"[^"]*${name.replace(/[.]/g, '\\.')}"`).test(source)
}

/** Writes the bundle to `dir`: assets under `assets/`, `index.html`, and `manifest.json` naming the first-page files. */
export async function writeBundle(bundle: Bundle, dir: string) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'assets'), { recursive: true })
  for (const [url, built] of bundle.assets) await Bun.write(join(dir, url), built.body)
  await Bun.write(join(dir, 'index.html'), bundle.index.body)
  await Bun.write(join(dir, 'manifest.json'), JSON.stringify({ initial: bundle.initial }, null, 2))
}

/** Reads a bundle written by `writeBundle`. */
export async function readBundle(dir: string): Promise<Bundle> {
  const assets = new Map<string, BuiltFile>()
  const glob = new Bun.Glob('assets/*')
  for await (const path of glob.scan({ cwd: dir })) {
    assets.set('/' + path, file(await Bun.file(join(dir, path)).bytes(), path))
  }
  const index = file(await Bun.file(join(dir, 'index.html')).bytes(), 'index.html')
  const manifest = (await Bun.file(join(dir, 'manifest.json')).json()) as { initial: string[] }
  return { assets, index, initial: manifest.initial }
}

if (import.meta.main) {
  const outIndex = process.argv.indexOf('--out')
  const bundle = await buildBundle()
  if (outIndex > 0) {
    const dir = process.argv[outIndex + 1] ?? join(WEB_DIR, 'dist')
    await writeBundle(bundle, dir)
    console.log(`wrote ${bundle.assets.size} assets to ${dir}`)
  }
  // Sizes of what the first page loads, raw and gzipped.
  let raw = 0
  let gz = 0
  for (const url of bundle.initial) {
    const f = bundle.assets.get(url)!
    raw += f.body.length
    gz += f.gzip.length
    console.log(`${url}\t${f.body.length} B\t${f.gzip.length} B gzip`)
  }
  console.log(`first page total\t${raw} B\t${gz} B gzip`)
  for (const [url, f] of bundle.assets) if (!bundle.initial.includes(url)) console.log(`lazy ${url}\t${f.body.length} B\t${f.gzip.length} B gzip`)
}
