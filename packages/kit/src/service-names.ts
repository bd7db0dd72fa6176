// No imports: the local launcher reads this too.

/** The services that call others, each with its own signing key for its tokens (a worker that calls, orders', signs as its service). */
export const SERVICE_CALLERS = ['auth', 'catalog', 'ticketing', 'orders', 'notifications'] as const
export type ServiceCaller = (typeof SERVICE_CALLERS)[number]
export const isServiceCaller = (name: unknown): name is ServiceCaller => (SERVICE_CALLERS as readonly unknown[]).includes(name)
