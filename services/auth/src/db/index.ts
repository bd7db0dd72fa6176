import type { Connection } from 'mongoose'
import { userModel } from './users'
import { sessionModels } from './sessions'
import { passwordResetModels } from './password-resets'
import { twoFactorModels } from './two-factor'
import { guestLinkModels } from './guest-links'
import { closedAccountModels } from './closed-accounts'
import { passkeyModels } from './passkeys'

/** Every model of the auth database, registered on its connection (then `ensureIndexes(conn)`). */
export function defineModels(conn: Connection) {
  return { User: userModel(conn), ...sessionModels(conn), ...passwordResetModels(conn), ...twoFactorModels(conn), ...guestLinkModels(conn), ...closedAccountModels(conn), ...passkeyModels(conn) }
}
export type Models = ReturnType<typeof defineModels>

