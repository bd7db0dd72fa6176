import type { Connection } from 'mongoose'
import { datesRequestModel, deletedEventModel, eventModel, factMarkModel, revisionClaimModel, seriesDateModel } from './events'

/** Every model of the catalog database, registered on its connection (then `ensureIndexes(conn)`). */
export function defineModels(conn: Connection) {
  return {
    Event: eventModel(conn),
    EventRevision: revisionClaimModel(conn),
    DeletedEvent: deletedEventModel(conn),
    FactMark: factMarkModel(conn),
    SeriesDate: seriesDateModel(conn),
    DatesRequest: datesRequestModel(conn),
  }
}
export type Models = ReturnType<typeof defineModels>

