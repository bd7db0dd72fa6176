// What both orders processes (API and worker) are built from: the clients of the other services,
// Redis coordination, the store, tickets, the shared settlement steps and refunds.
import type { Redis } from 'ioredis'
import type mongoose from 'mongoose'
import { guessLimit, serviceTokens, type Logger, type Outbox } from '@easypass/kit'
import { catalogClient, paymentsClient, ticketingClient } from './clients'
import type { OrdersConfig } from './config'
import { defineModels } from './db'
import { dirtyOrders, orderLocks, settledOrders } from './modules/coordination'
import { idempotency } from './modules/idempotency/service'
import { settlement } from './modules/orders/settlement'
import { orderStore } from './modules/orders/store'
import { laterExtras } from './modules/orders/later-extras'
import { refundsService } from './modules/refunds/service'
import { ticketsService } from './modules/tickets/service'
import { walletSettings } from './modules/tickets/wallet'
import { googleWalletSettings } from './modules/tickets/google-wallet'
import { holdReminders } from './modules/reminders/service'
import { holdLimit } from './modules/purchase/hold-limit'

export function ordersCore(config: OrdersConfig, conn: mongoose.Connection, redis: Redis, outbox: Outbox, log: Logger) {
  const models = defineModels(conn)
  const token = serviceTokens(config, 'orders')
  const catalog = catalogClient(config, token)
  const ticketing = ticketingClient(config, token)
  const payments = paymentsClient(config, token)
  const locks = orderLocks(redis, config.REDIS_PREFIX, log)
  const dirty = dirtyOrders(redis, config.REDIS_PREFIX)
  const settled = settledOrders(redis, config.REDIS_PREFIX)
  const idem = idempotency(redis, config.REDIS_PREFIX, log)
  const reminders = holdReminders(redis, config.REDIS_PREFIX)
  const holds = holdLimit(redis, config.REDIS_PREFIX, config.MAX_HOLDS_PER_EVENT)
  const voucherGuesses = guessLimit(redis, `${config.REDIS_PREFIX}:orders:voucher-guesses`, config.VOUCHER_GUESSES_PER_HOUR, 3600, 'voucher codes')
  const store = orderStore(models)
  // Read at the start of both processes: some WALLET_* (or GOOGLE_WALLET_*) settings without the others stop them here.
  const wallet = walletSettings(config)
  const googleWalletIssuer = googleWalletSettings(config)
  const tickets = ticketsService(models, { walletPasses: !!wallet, googleWallet: !!googleWalletIssuer })
  const settle = settlement({ store, tickets, ticketing, payments, dirty, settled, holds, outbox, log })
  // A purchase of extras whose order was never stored may still hold them in ticketing until its hold ends
  // (ticketing's default is 10 minutes) and its retries give up.
  const later = laterExtras(models, store, ((config.HOLD_TTL_SECONDS ?? 600) * 1000) + config.ORDER_GIVE_UP_MS)
  const refunds = refundsService({ config, models, store, tickets, catalog, ticketing, payments, locks, dirty, outbox, idem, later, log })
  return { models, wallet, googleWalletIssuer, catalog, ticketing, payments, locks, dirty, settled, idem, reminders, holds, voucherGuesses, store, tickets, settlement: settle, refunds, later }
}
export type OrdersCore = ReturnType<typeof ordersCore>
