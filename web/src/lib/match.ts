// A route's pattern against a path: apart from the router, which needs a browser, so that it is tested on its own.

/** `/events/:id` against `/events/abc` → `{ id: 'abc' }`; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const got = path.split('/').filter(Boolean)
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith(':')) {
      // A link cut short (`/events/50%`) matches nothing, so the page says "not found" instead of breaking.
      let value: string
      try {
        value = decodeURIComponent(g)
      } catch {
        return null
      }
      // Pages put a parameter into API paths: one that would reach another path (`..%2Fevents%2Fx`) names nothing.
      if (/[/\\?#]/.test(value) || value === '.' || value === '..') return null
      params[w.slice(1)] = value
    } else if (w !== g) return null
  }
  return params
}
