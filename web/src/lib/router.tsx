// A tiny History API router: deep links and reloads work because the server answers index.html for
// every app path; links are real <a href> elements so they can be opened in a new tab.
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

export interface Location {
  path: string
  query: URLSearchParams
}

const listeners = new Set<() => void>()

function read(): Location {
  return { path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) }
}

let navigated = false

/** True once the user moved within the app (not on the first page load). */
export function hasNavigated() {
  return navigated
}

function emit() {
  navigated = true
  for (const listener of listeners) listener()
}

// Each history entry keeps how far its page was scrolled (kept up to date while it is shown), so that
// Back and Forward return to the same place. The browser's own restoration runs before the page has
// drawn its content again, so it is off.
if ('scrollRestoration' in history) history.scrollRestoration = 'manual'
const rememberScroll = () => history.replaceState({ ...(history.state ?? {}), scrollY: window.scrollY }, '')
let scrollSaved: ReturnType<typeof setTimeout> | undefined
window.addEventListener('scroll', () => {
  if (scrollSaved === undefined) scrollSaved = setTimeout(() => ((scrollSaved = undefined), rememberScroll()), 300)
}, { passive: true })

/** The restore in progress, stopped by the next navigation or by the user's own scrolling. */
let restoring = 0
const stopRestoring = () => void (restoring++)
for (const type of ['wheel', 'touchstart', 'keydown', 'mousedown']) window.addEventListener(type, stopRestoring, { passive: true })

/** Scrolls back to `y` once the page is tall enough again (its content may come a moment later), for up to 2 s. */
function restoreScroll(y: number) {
  const mine = ++restoring
  const until = Date.now() + 2_000
  const step = () => {
    if (mine !== restoring) return
    window.scrollTo(0, y)
    if (Math.abs(window.scrollY - y) > 2 && Date.now() < until) requestAnimationFrame(step)
  }
  requestAnimationFrame(step)
}

window.addEventListener('popstate', () => {
  if (scrollSaved !== undefined) clearTimeout(scrollSaved), (scrollSaved = undefined)
  emit()
  const y = (history.state as { scrollY?: unknown } | null)?.scrollY
  if (typeof y === 'number') return restoreScroll(y)
  // An entry never scrolled: its top, or the element its #fragment names.
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null
  stopRestoring()
  if (target) target.scrollIntoView()
  else window.scrollTo(0, 0)
})

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const current = location.pathname + location.search
  if (to === current && !opts.replace) return
  stopRestoring()
  if (scrollSaved !== undefined) clearTimeout(scrollSaved), (scrollSaved = undefined)
  if (opts.replace) history.replaceState(null, '', to)
  else {
    rememberScroll()
    history.pushState(null, '', to)
  }
  if (!opts.replace) window.scrollTo(0, 0)
  emit()
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read)
  useEffect(() => {
    const update = () => setLoc(read())
    listeners.add(update)
    return () => void listeners.delete(update)
  }, [])
  return loc
}

export { match } from './match'

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren }

export function Link({ href, onClick, ...rest }: AnchorProps) {
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e)
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(href)
      }}
      {...rest}
    />
  )
}

/** Builds `path?query` leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

/** The token comes in the link's fragment (`#token=…`), which no server ever sees; it is taken off the address bar at once. */
export function tokenFromLink(): string {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
  if (token) history.replaceState(history.state, '', location.pathname + location.search)
  return token
}
