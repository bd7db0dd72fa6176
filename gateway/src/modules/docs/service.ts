import { API_TAGS } from '@easypass/contracts'
import type { Logger } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { resolveRoute, upstreamUrl, type Upstream } from '../proxy/routes'

type Json = Record<string, any>

export interface OpenApiDocument {
  openapi: string
  info: Json
  servers?: Json[]
  tags?: Array<{ name: string; description?: string }>
  paths: Record<string, Json>
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> }
  [extension: `x-${string}`]: unknown
}

export interface DocumentPart {
  /** `gateway` or the upstream the part comes from. */
  source: string
  document: Json
}

const API_SERVICES: Upstream[] = ['auth', 'catalog', 'ticketing', 'orders', 'payments', 'notifications']

export const API_DESCRIPTION = [
  'The public API of EasyPass: every call goes through this gateway under `/api`.',
  '',
  '**How to authorize:** call `POST /api/auth/login` (or `POST /api/auth/register`) with "Try it out", copy the',
  '`accessToken` from the answer, click **Authorize** and paste it. The token is kept across reloads and lasts',
  '15 minutes; `POST /api/auth/refresh` gives a new one.',
  '',
  'Errors always have the shape `{ "error": { "code", "message", "details"? } }`. Every response carries an',
  '`x-request-id` (send your own to correlate). Limits per address and per user answer 429 with `Retry-After`.',
].join('\n')

const SCHEMA_REF = '#/components/schemas/'

/** Rewrites `$ref`s (and schema `$id`s) to renamed component schemas, everywhere in a value. */
function renameRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames))
  if (!value || typeof value !== 'object') return value
  const out: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if ((key === '$ref' || key === '$id') && typeof v === 'string' && v.startsWith(SCHEMA_REF)) {
      const name = v.slice(SCHEMA_REF.length)
      out[key] = SCHEMA_REF + (renames.get(name) ?? name)
    } else out[key] = renameRefs(v, renames)
  }
  return out
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * A file answer (a PDF) is declared in its service as a binary string with JSON Schema's
 * `contentMediaType`; Elysia documents every string as `text/plain`. Listed under its real type here.
 */
function fileAnswersByType(operations: Json) {
  for (const operation of Object.values<Json>(operations))
    for (const response of Object.values<Json>(operation?.responses ?? {})) {
      const schema = response?.content?.['text/plain']?.schema
      if (typeof schema?.contentMediaType === 'string') response.content = { [schema.contentMediaType]: { schema } }
    }
}

/**
 * What the plugin writes that is not what the API takes or gives, put right:
 * - a request body is JSON only (every route refuses forms: their fields would be strings), and a whole
 *   number in it is a number (the plugin also offers a numeric string, which the API refuses);
 * - an answer without a body (204, `t.Void`) has no content, not one with media types "type" and "description";
 * - an event stream is `text/event-stream`;
 * - an inline schema carries no `$id` (the shared error's, copied into every answer, is no valid id there).
 */
function tidyOperations(operations: Json) {
  for (const operation of Object.values<Json>(operations)) {
    if (!operation || typeof operation !== 'object') continue
    const content = operation.requestBody?.content
    if (content?.['application/json']) operation.requestBody.content = { 'application/json': { schema: numbersOnly(content['application/json'].schema) } }
    for (const response of Object.values<Json>(operation.responses ?? {})) {
      if (!response?.content) continue
      for (const type of Object.keys(response.content)) if (!type.includes('/')) delete response.content[type]
      const text = response.content['text/plain']
      if (typeof text?.schema?.description === 'string' && text.schema.description.startsWith('text/event-stream')) {
        response.content = { 'text/event-stream': text }
      }
      if (!Object.keys(response.content).length) delete response.content
    }
    dropIds(operation)
  }
}

/** `anyOf: [numeric string, integer]` → the integer (with what the node itself says). */
function numbersOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(numbersOnly)
  if (!schema || typeof schema !== 'object') return schema
  const node = schema as Json
  const options = node.anyOf
  if (Array.isArray(options) && options.length === 2) {
    const number = options.find((o: Json) => o?.type === 'integer' || o?.type === 'number')
    const numericString = options.find((o: Json) => o?.type === 'string' && (o.format === 'integer' || o.format === 'numeric'))
    if (number && numericString) {
      const { anyOf: _, ...rest } = node
      return { ...rest, ...number }
    }
  }
  const out: Json = {}
  for (const [key, value] of Object.entries(node)) out[key] = numbersOnly(value)
  return out
}

function dropIds(value: unknown) {
  if (Array.isArray(value)) return value.forEach(dropIds)
  if (!value || typeof value !== 'object') return
  delete (value as Json).$id
  for (const v of Object.values(value)) dropIds(v)
}

/** `/api/events/{id}/availability` is owned by the service the route table sends it to. */
const ownedBy = (path: string, source: string) => source === 'gateway' || resolveRoute(path)?.upstream === source

/**
 * One OpenAPI 3 document from the services' own: the union of their public paths (only the ones the
 * route table really sends to them) and schemas. Two different schemas with the same name keep both,
 * the later one renamed `<Name>_<service>`; identical ones (the shared `Error`) are kept once.
 */
export function mergeDocuments(parts: DocumentPart[], missing: string[] = []): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: 'EasyPass API', version: '1.0.0', description: API_DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [],
    paths: {},
    components: {
      schemas: {},
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `accessToken` from POST /api/auth/login' } },
    },
  }
  const tags = new Map<string, { name: string; description?: string }>()
  for (const { source, document } of parts) {
    const schemas: Record<string, Json> = document.components?.schemas ?? {}
    const renames = new Map<string, string>()
    for (const [name, schema] of Object.entries(schemas)) {
      const existing = merged.components.schemas[name]
      if (existing && !sameJson(existing, schema)) renames.set(name, `${name}_${source}`)
    }
    for (const [name, schema] of Object.entries(schemas)) {
      const finalName = renames.get(name) ?? name
      merged.components.schemas[finalName] ??= renameRefs(schema, renames) as Json
    }
    for (const tag of document.tags ?? []) if (tag?.name && !tags.has(tag.name)) tags.set(tag.name, tag)
    for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
      if (!path.startsWith('/api/') || !ownedBy(path, source) || merged.paths[path]) continue
      const operations = renameRefs(item, renames) as Json
      fileAnswersByType(operations)
      tidyOperations(operations)
      merged.paths[path] = operations
      for (const operation of Object.values<Json>(operations))
        for (const tag of operation?.tags ?? []) if (typeof tag === 'string' && !tags.has(tag)) tags.set(tag, { name: tag })
    }
  }
  // The contract's sections in its order; any other tag after them, by name.
  const rank = (name: string) => {
    const i = (API_TAGS as readonly string[]).indexOf(name)
    return i < 0 ? API_TAGS.length : i
  }
  merged.tags = [...tags.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
  dropIds(merged.components.schemas)
  if (missing.length) merged['x-unavailable-services'] = missing
  return merged
}

/**
 * Fetches each service's `/openapi/json`, keeps a good answer for `DOCS_CACHE_SECONDS`, and leaves a
 * service that does not answer out of the document (asked again on the next request) instead of failing
 * the whole documentation.
 */
export function createDocsSource(config: GatewayConfig, log: Logger, ownDocument: () => Promise<Record<string, unknown>>) {
  const cache = new Map<string, { document: Json; until: number }>()
  const inFlight = new Map<string, Promise<Json | undefined>>()

  async function fetchDocument(name: string, url: string): Promise<Json | undefined> {
    try {
      const response = await fetch(`${url}/openapi/json`, { signal: AbortSignal.timeout(3_000), headers: { accept: 'application/json' } })
      if (!response.ok) throw new Error(`answered ${response.status}`)
      const document = (await response.json()) as Json
      if (!document || typeof document !== 'object' || typeof document.paths !== 'object') throw new Error('not an OpenAPI document')
      cache.set(name, { document, until: Date.now() + config.DOCS_CACHE_SECONDS * 1000 })
      return document
    } catch (error) {
      log.warn({ service: name, err: error instanceof Error ? error.message : String(error) }, 'service OpenAPI document unavailable, left out')
      return undefined
    }
  }

  function documentOf(name: string, url: string): Promise<Json | undefined> {
    const cached = cache.get(name)
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.document)
    let pending = inFlight.get(name)
    if (!pending) {
      pending = fetchDocument(name, url).finally(() => inFlight.delete(name))
      inFlight.set(name, pending)
    }
    return pending
  }

  // The merge and its text are kept while every part is the same one (a service's document is the same
  // object while it is cached): a client asking in a loop (the route is public and not rate-limited by
  // the gateway) costs a comparison, not a merge and a serialisation of the whole API each time.
  let ownKept: Promise<Record<string, unknown>> | undefined
  let kept: { parts: Array<Json | undefined>; text: string } | undefined

  /** The merged document as JSON text. */
  return async function mergedDocument(): Promise<string> {
    const services = API_SERVICES.flatMap((name) => {
      const url = upstreamUrl(name, config)
      return url ? [[name, url] as const] : []
    })
    // The gateway's own routes do not change once it runs: its document is made once (again after a failure).
    ownKept ??= ownDocument().catch((error) => {
      ownKept = undefined
      throw error
    })
    const [own, ...documents] = await Promise.all([ownKept, ...services.map(([name, url]) => documentOf(name, url))])
    if (kept && kept.parts.length === documents.length && kept.parts.every((part, i) => part === documents[i])) return kept.text
    const parts: DocumentPart[] = [{ source: 'gateway', document: own }]
    const missing: string[] = []
    services.forEach(([name], i) => {
      const document = documents[i]
      if (document) parts.push({ source: name, document })
      else missing.push(name)
    })
    const text = JSON.stringify(mergeDocuments(parts, missing))
    kept = { parts: documents, text }
    return text
  }
}
