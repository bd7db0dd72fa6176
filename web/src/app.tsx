import { useEffect, useState } from 'preact/hooks'
import type { ComponentType } from 'preact'
import { api, ApiError, describe } from './lib/api'
import { Link, match, navigate, useLocation } from './lib/router'
import { getSession, onSessionEnded, setSession, updateUser, useSession } from './lib/session'
import { syncNotifications, useNotifications } from './lib/live'
import { LANGUAGE_NAMES, LANGUAGES, setLanguage, t, useLanguage, useT, type Language } from './lib/i18n'
import { shellText } from './i18n/shell'
import type { User } from './lib/types'
import { ErrorBoundary, lazy } from './components/boundary'
import { DialogHost, ToastHost, toast } from './components/overlay'
import { Alert, PageTitle } from './components/ui'
import { Home } from './pages/home'
import { EventPage } from './pages/event'
import { SignIn, SignUp } from './pages/auth'
import { Checkout } from './pages/checkout'
import { OrderPage, MyTickets } from './pages/tickets'
import { Notifications } from './pages/notifications'
import { forgetOffer, TransferPage } from './pages/transfer'
import { forgetDoorLists } from './admin/door-list'
import { GuestPage, GuestWayBack } from './pages/guest'

// The account pages (a new password, closing the account, its data) are loaded on first use too: the
// first page of a buyer who never opens them stays smaller.
const accountPages = () => import('./pages/account')
const Account = lazy<object>(async () => ({ default: (await accountPages()).Account }))
const ForgotPassword = lazy<{ query: URLSearchParams }>(async () => ({ default: (await accountPages()).ForgotPassword }))
const ResetPassword = lazy<object>(async () => ({ default: (await accountPages()).ResetPassword }))

// Admin pages are loaded on first use: buyers never download them.
const AdminEvents = lazy(() => import('./admin/events'))
const AdminEventEditor = lazy(() => import('./admin/event-editor'))
const AdminAttendees = lazy(() => import('./admin/attendees'))
const AdminOrders = lazy(() => import('./admin/orders'))
const CheckIn = lazy(() => import('./admin/checkin'))
const Dashboard = lazy(() => import('./admin/dashboard'))
const Webhooks = lazy(() => import('./admin/webhooks'))
const Activity = lazy(() => import('./admin/activity'))
const People = lazy(() => import('./admin/people'))

/** `staff`: door staff and admins (the door's pages). */
type Access = 'guest' | 'user' | 'staff' | 'admin'
interface Route {
  pattern: string
  page: ComponentType<any>
  access?: Access
}

const ROUTES: Route[] = [
  { pattern: '/', page: Home },
  { pattern: '/events/:id', page: EventPage },
  { pattern: '/signin', page: SignIn },
  { pattern: '/signup', page: SignUp },
  { pattern: '/forgot-password', page: ForgotPassword },
  { pattern: '/reset-password', page: ResetPassword },
  { pattern: '/guest', page: GuestPage },
  { pattern: '/account', page: Account, access: 'user' },
  { pattern: '/checkout/:id', page: Checkout, access: 'user' },
  { pattern: '/orders/:id', page: OrderPage, access: 'user' },
  { pattern: '/tickets', page: MyTickets, access: 'user' },
  { pattern: '/transfer', page: TransferPage },
  { pattern: '/notifications', page: Notifications, access: 'user' },
  { pattern: '/admin', page: AdminEvents, access: 'admin' },
  { pattern: '/admin/events/new', page: AdminEventEditor, access: 'admin' },
  { pattern: '/admin/events/:id', page: AdminEventEditor, access: 'admin' },
  { pattern: '/admin/events/:id/attendees', page: AdminAttendees, access: 'staff' },
  { pattern: '/admin/orders', page: AdminOrders, access: 'admin' },
  { pattern: '/admin/checkin', page: CheckIn, access: 'staff' },
  { pattern: '/admin/dashboard', page: Dashboard, access: 'admin' },
  { pattern: '/admin/webhooks', page: Webhooks, access: 'admin' },
  { pattern: '/admin/activity', page: Activity, access: 'admin' },
  { pattern: '/admin/people', page: People, access: 'admin' },
]

export function App() {
  const loc = useLocation()
  const session = useSession()
  const user = session?.user
  const m = useT(shellText)

  // The role may have changed since the last visit: the API's answer wins over the stored one.
  useEffect(() => {
    onSessionEnded(() => toast(t(shellText).sessionEnded, 'error'))
    if (!getSession()) return
    api<User>('/auth/me').then(
      (me) => me && updateUser(me),
      () => {},
    )
  }, [])

  useEffect(() => {
    syncNotifications(user?.id, (n) => toast(n.title, n.type === 'order-paid' || n.type === 'order-refunded' || n.type === 'tickets-available' ? 'success' : 'info'))
  }, [user?.id])

  let params: Record<string, string> | null = null
  const route = ROUTES.find((r) => (params = match(r.pattern, loc.path)))
  let content
  if (!route) content = <NotFound />
  else if (route.access && !user) content = <SignInFirst />
  else if (route.access === 'admin' && user?.role !== 'admin') content = <AdminsOnly />
  else if (route.access === 'staff' && user?.role !== 'admin' && user?.role !== 'staff') content = <AdminsOnly door />
  else {
    const Page = route.page
    // Another path is another page: nothing of the last one (an event's picks and voucher) carries over.
    content = <Page key={loc.path} {...params!} query={loc.query} />
  }

  return (
    <>
      <a class="skip-link" href="#main">
        {m.skip}
      </a>
      <Header path={loc.path} search={loc.query.size ? `?${loc.query}` : ''} user={user} />
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={loc.path}>{content}</ErrorBoundary>
      </main>
      <footer class="site-footer">
        <div class="container">
          <p>
            EasyPass · <a href="/api/docs">{m.apiDocs}</a>
          </p>
          <LanguagePicker />
        </div>
      </footer>
      <DialogHost />
      <ToastHost />
    </>
  )
}

function Header({ path, search, user }: { path: string; search: string; user?: User }) {
  const [open, setOpen] = useState(false)
  const m = useT(shellText)
  const { unread } = useNotifications()
  useEffect(() => setOpen(false), [path])
  const current = (href: string, exact = false) => (exact ? path === href : path === href || path.startsWith(`${href}/`)) ? 'page' : undefined
  const signOut = async () => {
    const s = getSession()
    // The session cookie names the session (a session stored before the cookie, its token). Only the
    // API can end it and clear the cookie: when it could not be told, the user stays signed in and
    // hears so, rather than leaving a working session behind on a shared computer.
    if (s) {
      try {
        await api('/auth/logout', { body: s.refreshToken ? { refreshToken: s.refreshToken } : {} })
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) return toast(m.stillSignedIn(describe(error)), 'error')
      }
    }
    setSession(null)
    forgetOffer()
    forgetDoorLists()
    toast(m.signedOut)
    navigate('/')
  }
  return (
    <header class="site-header">
      <div class="container header-row">
        <Link href="/" class="brand" aria-label={m.home}>
          <svg aria-hidden="true" width="28" height="28" viewBox="0 0 32 32">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path d="M9 10h14v4a2 2 0 0 0 0 4v4H9v-4a2 2 0 0 0 0-4z" fill="#fff" />
          </svg>
          EasyPass
        </Link>
        {/* On a phone the nav is folded away: the unread count shows on the button that opens it. */}
        <button type="button" class="menu-button" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>
          {m.menu}
          {user && unread > 0 && (
            <>
              {' '}
              <span class="count">{unread}</span>
              <span class="sr-only">{m.newNotifications}</span>
            </>
          )}
        </button>
        <nav id="site-nav" class={`site-nav${open ? ' open' : ''}`} aria-label={m.main}>
          <ul>
            <li>
              <Link href="/" aria-current={current('/', true) || (path.startsWith('/events/') ? 'page' : undefined)}>
                {m.events}
              </Link>
            </li>
            {user && (
              <li>
                <Link href="/tickets" aria-current={current('/tickets')}>
                  {m.myTickets}
                </Link>
              </li>
            )}
            {user && (
              <li>
                <Link href="/notifications" aria-current={current('/notifications')}>
                  {m.notifications}
                  {unread > 0 && (
                    <span class="count" aria-label={m.newCount(unread)}>
                      {unread}
                    </span>
                  )}
                </Link>
              </li>
            )}
            {user?.role === 'admin' && (
              <li>
                <Link href="/admin" aria-current={path.startsWith('/admin') ? 'page' : undefined}>
                  {m.admin}
                </Link>
              </li>
            )}
            {user?.role === 'staff' && (
              <li>
                <Link href="/admin/checkin" aria-current={current('/admin/checkin')}>
                  {m.door}
                </Link>
              </li>
            )}
          </ul>
          <div class="account">
            {user ? (
              <>
                <span class="who">
                  {m.signedInAs}{' '}
                  <Link href="/account" aria-current={current('/account')}>
                    <strong>{user.name || user.email}</strong>
                  </Link>
                </span>
                <button type="button" class="button button-small button-secondary" onClick={signOut}>
                  {m.signOut}
                </button>
              </>
            ) : (
              <>
                <Link href={`/signin${(path === '/' && !search) || path.startsWith('/sign') ? '' : `?next=${encodeURIComponent(path + search)}`}`} class="button button-small button-secondary">
                  {m.signIn}
                </Link>
                <Link href="/signup" class="button button-small">
                  {m.signUp}
                </Link>
              </>
            )}
          </div>
        </nav>
      </div>
    </header>
  )
}

/** The language of the app, kept on this device and sent with every call (an order's emails follow it). */
function LanguagePicker() {
  const current = useLanguage()
  const m = useT(shellText)
  return (
    <p class="language-picker">
      <label for="site-language">{m.language}</label>{' '}
      <select id="site-language" value={current} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
        {LANGUAGES.map((lang) => (
          <option value={lang} key={lang} lang={lang}>
            {LANGUAGE_NAMES[lang]}
          </option>
        ))}
      </select>
    </p>
  )
}

function NotFound() {
  const m = useT(shellText)
  return (
    <section class="container page">
      <PageTitle>{m.notFound}</PageTitle>
      <p>{m.nothingHere}</p>
      <p>
        <Link class="button" href="/">
          {m.seeEvents}
        </Link>
      </p>
    </section>
  )
}

function SignInFirst() {
  const next = encodeURIComponent(location.pathname + location.search)
  const m = useT(shellText)
  return (
    <section class="container page narrow">
      <PageTitle>{m.pleaseSignIn}</PageTitle>
      <p>{m.needSignIn}</p>
      <p class="actions">
        <Link class="button" href={`/signin?next=${next}`}>
          {m.signIn}
        </Link>
        <Link class="button button-secondary" href={`/signup?next=${next}`}>
          {m.createAccount}
        </Link>
      </p>
      <GuestWayBack />
    </section>
  )
}

function AdminsOnly({ door = false }: { door?: boolean }) {
  const m = useT(shellText)
  return (
    <section class="container page narrow">
      <PageTitle>{door ? m.doorOnly : m.adminsOnly}</PageTitle>
      <Alert error={door ? m.doorOnlyWhy : m.adminsOnlyWhy} />
    </section>
  )
}
