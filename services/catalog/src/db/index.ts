import type { Connection } from 'mongoose'
import { deletedEventModel, eventModel } from './events'

/** Every model of the catalog database, registered on its connection (then `ensureIndexes(conn)`). */
export function defineModels(conn: Connection) {
  return { Event: eventModel(conn), DeletedEvent: deletedEventModel(conn) }
}
export type Models = ReturnType<typeof defineModels>
