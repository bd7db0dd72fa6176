// Identity: the public shapes of accounts and sessions (auth service, gateway, web app).
import { t, type Static } from 'elysia'
import { Id, IsoDate, ListOf, PageQuery, type Role } from './common'

// Literals written out (a mapped array loses their types; UnionEnum would fill a missing query field in).
export const RoleSchema = t.Union([t.Literal('customer'), t.Literal('staff'), t.Literal('admin')], {
  examples: ['customer'],
  description: '`customer` buys; `staff` works the door (check-in and the attendee lists) and nothing more; `admin` runs everything',
})
// Every role of ROLES, and no other.
true satisfies [Static<typeof RoleSchema>] extends [Role] ? ([Role] extends [Static<typeof RoleSchema>] ? true : false) : false

/** What every response says about an account: never a password hash, never a token hash. */
export const User = t.Object(
  {
    id: Id,
    email: t.String({ examples: ['ada@example.com'] }),
    name: t.String({ examples: ['Ada Lovelace'] }),
    role: RoleSchema,
    twoFactor: t.Optional(t.Boolean({ description: 'true when signing in takes a code from an authenticator app as well as the password' })),
    roleNeedsTwoFactor: t.Optional(
      t.Union([t.Literal('staff'), t.Literal('admin')], {
        description: "the account's role, which takes two-step sign-in here (TWO_FACTOR_REQUIRED_ROLES): until it is on, the account signs in as a customer (`role`) and can set it up; signing in again (or refreshing) after that gives the role",
      }),
    ),
    guest: t.Optional(
      t.Boolean({
        description: 'true for a buyer who checked out without an account (`POST /api/auth/guest`): no password, so no password sign-in; they come back through an emailed link (`POST /api/auth/guest/link`)',
      }),
    ),
    events: t.Optional(
      t.Array(Id, {
        description: "door staff only: the events whose door they work (check-in, attendee and door lists, sales at the door); absent: every event (beyond the contract, additive)",
      }),
    ),
    passkeys: t.Optional(t.Integer({ minimum: 0, description: "the admins' list of accounts only: how many passkeys the account has (beyond the contract, additive)" })),
    createdAt: IsoDate,
  },
  { title: 'User' },
)
export type User = Static<typeof User>

export const PASSWORD_MIN_LENGTH = 8
/** Long enough for any passphrase, short enough that hashing it is never a way to burn our CPU. */
export const PASSWORD_MAX_LENGTH = 200

export const Email = t.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] })
export const Password = t.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  examples: ['correct horse battery staple'],
})
/** At least one visible character; surrounding spaces are trimmed when stored. */
export const DisplayName = t.String({ minLength: 1, maxLength: 100, pattern: '\\S', examples: ['Ada Lovelace'] })
/** Opaque; anything that is not one of ours is simply refused with 401. */
export const RefreshToken = t.String({ minLength: 1, maxLength: 512, description: 'opaque refresh token from register, login or refresh' })

export const RegisterBody = t.Object({ email: Email, password: Password, name: DisplayName })
export type RegisterBody = Static<typeof RegisterBody>

/** The second step of signing in: six digits from an authenticator app, or one of the account's recovery codes. */
export const SecondFactorCode = t.String({
  minLength: 1,
  maxLength: 32,
  examples: ['492039'],
  description: 'the 6-digit code the authenticator app shows now, or one of the recovery codes (each works once)',
})

/** Lenient on purpose: a login never says more than "wrong email or password". */
export const LoginBody = t.Object({
  email: t.String({ minLength: 1, maxLength: 254, examples: ['ada@example.com'] }),
  password: t.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, examples: ['correct horse battery staple'] }),
  code: t.Optional(SecondFactorCode),
})
export type LoginBody = Static<typeof LoginBody>

/** Required, except with `X-Session-Cookie: 1`, where the session cookie stands in for it. */
export const RefreshBody = t.Object({ refreshToken: t.Optional(RefreshToken) })
export const LogoutBody = t.Object({ refreshToken: t.Optional(RefreshToken) })

export const AuthResult = t.Object(
  {
    user: User,
    accessToken: t.String({ description: 'JWT (EdDSA, signed by auth alone), valid 15 minutes; send as `Authorization: Bearer <accessToken>`' }),
    refreshToken: t.Optional(
      t.String({ description: 'opaque, valid 30 days, single use: each refresh returns a new one. Left out when the request carried `X-Session-Cookie: 1`: it is then in the HttpOnly cookie `easypass_refresh` (path /api/auth) instead' }),
    ),
  },
  { title: 'AuthResult' },
)
export type AuthResult = Static<typeof AuthResult>

export const UsersQuery = t.Object({
  ...PageQuery,
  q: t.Optional(t.String({ maxLength: 254, description: 'part of the email address' })),
  role: t.Optional(RoleSchema),
  ids: t.Optional(
    t.String({ pattern: '^[0-9a-fA-F]{24}(,[0-9a-fA-F]{24}){0,99}$', description: 'only these accounts: up to 100 ids, comma-separated (an admin naming the buyers of the orders shown)' }),
  ),
})
export const UserList = ListOf(User)
export type UserList = Static<typeof UserList>

export const UpdateUserBody = t.Object({
  role: RoleSchema,
  events: t.Optional(
    t.Array(Id, {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      description: 'with `role: staff` only: the events whose door they work, at most 50 (absent: every event). Sending the role without it gives every event again.',
    }),
  ),
})

/** Buying without an account: the address the tickets and emails go to, and the name on the order. */
export const GuestBody = t.Object({ email: Email, name: DisplayName })
export type GuestBody = Static<typeof GuestBody>

/** A guest keeping their purchases in an account of their own: the password it will sign in with. */
export const GuestAccountBody = t.Object({ password: Password })
export type GuestAccountBody = Static<typeof GuestAccountBody>

/** A guest asking for a way back to what they bought: the answer is the same whether or not the address bought as a guest. */
export const GuestLinkBody = t.Object({ email: Email })
export type GuestLinkBody = Static<typeof GuestLinkBody>

/** The token from an emailed guest link. */
export const GuestSessionBody = t.Object({
  token: t.String({ minLength: 1, maxLength: 512, description: 'the `token` of the emailed link (after `#token=`)' }),
})
export type GuestSessionBody = Static<typeof GuestSessionBody>

/** Asking for a password reset link: the answer is the same whether or not an account has this email. */
export const PasswordResetRequestBody = t.Object({ email: Email })
export type PasswordResetRequestBody = Static<typeof PasswordResetRequestBody>

/** The token from the emailed link, and the new password. */
export const PasswordResetConfirmBody = t.Object({
  token: t.String({ minLength: 1, maxLength: 512, description: 'the `token` of the emailed link (after `#token=`)' }),
  password: Password,
  code: t.Optional(SecondFactorCode),
})
export type PasswordResetConfirmBody = Static<typeof PasswordResetConfirmBody>

/** A new password from a signed-in session: the current one, and with two-step sign-in on a code too. */
export const ChangePasswordBody = t.Object({
  currentPassword: t.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  newPassword: Password,
  code: t.Optional(SecondFactorCode),
})
export type ChangePasswordBody = Static<typeof ChangePasswordBody>

/** What a user may change of their own account: the name shown on their orders and emails. */
export const UpdateMeBody = t.Object({ name: DisplayName })
export type UpdateMeBody = Static<typeof UpdateMeBody>

/**
 * Closing one's account: the password (absent for a guest, who has none: their session came from an
 * emailed link) and, with two-step sign-in on, a code.
 */
export const CloseAccountBody = t.Object({
  password: t.Optional(t.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH })),
  code: t.Optional(SecondFactorCode),
})
export type CloseAccountBody = Static<typeof CloseAccountBody>

export const AccountClosed = t.Object(
  {
    id: t.String({ description: 'the account that is closed' }),
    closedAt: t.String({ format: 'date-time' }),
  },
  { title: 'AccountClosed' },
)
export type AccountClosed = Static<typeof AccountClosed>

export const Accepted = t.Object({ message: t.String() }, { title: 'Accepted' })

/** Two-step sign-in being set up: the shared secret, for the authenticator app to scan or type. */
export const TwoFactorSetup = t.Object(
  {
    secret: t.String({ description: 'the shared secret in base32, to type into an app that cannot scan', examples: ['JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'] }),
    uri: t.String({ description: 'the `otpauth://totp/…` key URI the QR code holds' }),
    qrSvg: t.String({ description: 'the key URI as a QR code (SVG)' }),
  },
  { title: 'TwoFactorSetup' },
)
export type TwoFactorSetup = Static<typeof TwoFactorSetup>

/** Turning two-step sign-in on or off: the password, and a code that proves the app has the secret. */
export const TwoFactorConfirmBody = t.Object({
  password: t.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  code: SecondFactorCode,
})
export type TwoFactorConfirmBody = Static<typeof TwoFactorConfirmBody>

const RecoveryCodeList = t.Array(t.String(), { description: 'shown this once: each signs in once in place of a code (a lost phone); keep them somewhere safe' })

/** Two-step sign-in on: the recovery codes, once, and a new session with the two steps (every earlier one ended). */
export const TwoFactorEnabled = t.Composite([AuthResult, t.Object({ recoveryCodes: RecoveryCodeList })], { title: 'TwoFactorEnabled' })
export type TwoFactorEnabled = Static<typeof TwoFactorEnabled>

export const RecoveryCodes = t.Object({ recoveryCodes: RecoveryCodeList }, { title: 'RecoveryCodes' })

// Passkeys (WebAuthn): the browser's `PublicKeyCredential` as JSON (what `@simplewebauthn/browser`
// returns), every binary field base64url. Bounded, so a body is never a way to burn our CPU.
const B64Url = (maxLength: number, description?: string) => t.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$', description })
const CredentialId = B64Url(1_366, "the credential's id (base64url), as the browser gives it")
const Transports = t.Array(t.String({ maxLength: 32 }), { maxItems: 8 })
/** Whatever extensions the browser reports: kept as given, never trusted. */
const ExtensionResults = t.Record(t.String({ maxLength: 64 }), t.Unknown())
const Attachment = t.Optional(t.Union([t.Literal('platform'), t.Literal('cross-platform')]))

/** `navigator.credentials.create()`'s answer: a new passkey and the challenge it signed. */
export const PasskeyRegistration = t.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: t.Literal('public-key'),
    response: t.Object({
      clientDataJSON: B64Url(4_096),
      attestationObject: B64Url(16_384),
      authenticatorData: t.Optional(B64Url(16_384)),
      transports: t.Optional(Transports),
      publicKeyAlgorithm: t.Optional(t.Integer()),
      publicKey: t.Optional(B64Url(8_192)),
    }),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  },
  { title: 'PasskeyRegistration' },
)

/** `navigator.credentials.get()`'s answer: a passkey's signature over the challenge. */
export const PasskeyAssertion = t.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: t.Literal('public-key'),
    response: t.Object({
      clientDataJSON: B64Url(4_096),
      authenticatorData: B64Url(16_384),
      // ML-DSA-44 (post-quantum, offered first where the runtime has it) signs with 2,420 bytes.
      signature: B64Url(8_192),
      userHandle: t.Optional(B64Url(128)),
    }),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  },
  { title: 'PasskeyAssertion' },
)

export const PasskeyName = t.String({ minLength: 1, maxLength: 60, pattern: '\\S', description: 'what the owner calls it ("my phone"); surrounding spaces are trimmed', examples: ['Laptop'] })

/** Adding a passkey: the password (and a code, with two-step sign-in on), and what the browser made. */
export const PasskeyAddBody = t.Object({
  password: t.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  code: t.Optional(SecondFactorCode),
  name: t.Optional(PasskeyName),
  credential: PasskeyRegistration,
})
export type PasskeyAddBody = Static<typeof PasskeyAddBody>

export const Passkey = t.Object(
  {
    id: t.String({ description: "the credential's id (base64url)" }),
    name: t.String(),
    createdAt: IsoDate,
    lastUsedAt: t.Optional(IsoDate),
    synced: t.Boolean({ description: 'true when the passkey is kept by a password manager or a phone that syncs it to its owner\'s other devices (backed up); false when it lives on one device or security key only' }),
  },
  { title: 'Passkey' },
)
export type Passkey = Static<typeof Passkey>
export const PasskeyList = t.Object({ items: t.Array(Passkey) }, { title: 'PasskeyList' })
export type PasskeyList = Static<typeof PasskeyList>

/** What `navigator.credentials.create()`/`get()` is given (JSON, for `@simplewebauthn/browser`). */
const WebAuthnOptions = t.Record(t.String(), t.Unknown(), { description: 'PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3): hand it to the browser as it is' })

export const PasskeyRegistrationOptions = t.Object({ options: WebAuthnOptions }, { title: 'PasskeyRegistrationOptions' })
export const PasskeySignInOptions = t.Object(
  {
    challengeId: t.String({ description: 'send it back with the signed answer; it works once, for 5 minutes' }),
    options: WebAuthnOptions,
  },
  { title: 'PasskeySignInOptions' },
)
export type PasskeySignInOptions = Static<typeof PasskeySignInOptions>

export const PasskeySignInBody = t.Object({
  challengeId: t.String({ minLength: 1, maxLength: 64 }),
  credential: PasskeyAssertion,
})
export type PasskeySignInBody = Static<typeof PasskeySignInBody>

export const PasskeyRenameBody = t.Object({ name: PasskeyName })
export type PasskeyRenameBody = Static<typeof PasskeyRenameBody>

export const PasskeysRemoved = t.Object({ removed: t.Integer({ minimum: 0, description: 'how many passkeys were removed (0: it had none)' }) }, { title: 'PasskeysRemoved' })
