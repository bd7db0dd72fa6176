// Where to go after signing in: `?next=`, kept only when it is a place in this app.

/**
 * Only paths inside the app: an open redirect through `?next=` would be a phishing aid. Read as the
 * browser reads it (it drops tabs and line breaks, so "/\t/evil.example" is "//evil.example"): kept only
 * when it stays on this origin, as its path, query and fragment.
 */
export function safeNext(query: URLSearchParams, origin = location.origin) {
  const next = query.get('next') ?? ''
  if (!next.startsWith('/')) return '/'
  try {
    const url = new URL(next, origin)
    // "/.//evil.example" is this origin with the path "//evil.example", which the browser reads as another host.
    return url.origin === origin && !url.pathname.startsWith('//') ? `${url.pathname}${url.search}${url.hash}` : '/'
  } catch {
    return '/'
  }
}
