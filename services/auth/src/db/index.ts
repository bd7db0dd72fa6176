import type { Connection } from 'mongoose'
import { userModel } from './users'
import { sessionModels } from './sessions'
import { passwordResetModels } from './password-resets'
import { twoFactorModels } from './two-factor'

/** Every model of the auth database, registered on its connection (then `ensureIndexes(conn)`). */
export function defineModels(conn: Connection) {
  return { User: userModel(conn), ...sessionModels(conn), ...passwordResetModels(conn), ...twoFactorModels(conn) }
}
export type Models = ReturnType<typeof defineModels>

