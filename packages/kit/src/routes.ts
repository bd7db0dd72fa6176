// 405 Method Not Allowed: a request for a path a process serves, with a method it does not take, is
// told so (with `Allow`), not that the path does not exist. Each process learns its own routes once
// they are all registered (`serve`, the gateway at its start).
import { escapeRegExp } from './text'

interface KnownRoute {
  method: string
  pattern: RegExp
}

let known: KnownRoute[] = []

/** `/api/events/:id` → a pattern for its paths (a parameter is one segment; a trailing slash is the same path). */
function patternOf(path: string): RegExp {
  const segments = path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment)))
  return new RegExp(`^${segments.join('/')}/?$`)
}

/** Remembers the app's routes (a catch-all `ALL` route takes every method and is left out). */
export function learnRoutes(app: { routes: ReadonlyArray<{ method: string; path: string }> }) {
  known = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toUpperCase(), pattern: patternOf(r.path) }))
}

/** The methods some route takes at this path (GET brings HEAD, as Elysia answers it); empty: no route has the path. */
export function allowedMethods(pathname: string): string[] {
  const methods = new Set(known.filter((r) => r.pattern.test(pathname)).map((r) => r.method))
  if (methods.has('GET')) methods.add('HEAD')
  return [...methods].sort()
}
