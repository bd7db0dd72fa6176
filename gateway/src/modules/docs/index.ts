import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Elysia, t } from 'elysia'
import { openapi } from '@elysiajs/openapi'
import { fail, type Logger } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { createDocsSource } from './service'

const SWAGGER_UI_DIR = dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')))

/** The only files the docs page needs; served from the installed `swagger-ui-dist`, never a CDN. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

interface Asset {
  type: string
  body: Uint8Array
  gzip: Uint8Array
}

const loaded = new Map<string, Promise<Asset>>()
function asset(file: string): Promise<Asset> {
  let pending = loaded.get(file)
  if (!pending) {
    pending = Bun.file(join(SWAGGER_UI_DIR, file))
      .bytes()
      .then((body) => ({ type: ASSETS[file]!, body, gzip: Bun.gzipSync(body as Uint8Array<ArrayBuffer>) }))
    loaded.set(file, pending)
  }
  return pending
}

/**
 * `/api/docs`: Swagger UI (from @elysiajs/openapi) over the MERGED document of all services at
 * `/api/docs/json`. The plugin's own document (the gateway's routes only) is moved out of the way to
 * `/api/docs/gateway.json`; the page is pointed at the merged one with `swagger.url`.
 */
export function docsModule(deps: { config: GatewayConfig; log: Logger; ownDocument: () => Promise<Record<string, unknown>> }) {
  const mergedDocument = createDocsSource(deps.config, deps.log, deps.ownDocument)
  return new Elysia({ name: 'gateway.docs' })
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/docs/gateway.json',
        provider: 'swagger-ui',
        documentation: { info: { title: 'EasyPass API', version: '1.0.0', description: 'The EasyPass public API' } },
        swagger: {
          url: '/api/docs/json',
          cdn: '/api/docs/assets/swagger-ui-bundle.js',
          theme: '/api/docs/assets/swagger-ui.css',
          persistAuthorization: true,
          // Swagger UI would otherwise show a badge fetched from validator.swagger.io.
          validatorUrl: null,
          displayRequestDuration: true,
          tryItOutEnabled: true,
          filter: true,
        } as never,
        exclude: { paths: ['/api/docs/json', '/api/docs/assets/:file'] },
      }),
    )
    .get(
      '/api/docs/json',
      async () => new Response(await mergedDocument(), { headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' } }),
      { detail: { hide: true } },
    )
    .get(
      '/api/docs/assets/:file',
      async ({ params, request }) => {
        if (!Object.hasOwn(ASSETS, params.file)) throw fail('NOT_FOUND', 'no such asset')
        const file = await asset(params.file)
        const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
        return new Response((gzip ? file.gzip : file.body) as Uint8Array<ArrayBuffer>, {
          headers: {
            'content-type': file.type,
            'cache-control': 'public, max-age=86400',
            vary: 'accept-encoding',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          },
        })
      },
      { params: t.Object({ file: t.String() }), detail: { hide: true } },
    )
}
