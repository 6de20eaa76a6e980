// The account-management messages of the wire contract (DESIGN.md section 4): change password,
// sign out everywhere, delete account. Beside protocol.ts, validated by both ends the same way.

import * as v from 'valibot';
import { CredentialsSchema } from './protocol';

/** A password as typed to prove who you are: checked against the hash, never against the rules for new ones. */
const TypedPassword = v.pipe(v.string(), v.minLength(1, 'type your password'), v.maxLength(256, 'password must have at most 256 characters'));

/** POST /api/auth/password: every other session of the account ends; this one stays. */
export const ChangePasswordSchema = v.strictObject({
  currentPassword: TypedPassword,
  newPassword: CredentialsSchema.entries.password,
});
export type ChangePassword = v.InferOutput<typeof ChangePasswordSchema>;

/** POST /api/auth/delete: erases the account and its space; every session ends. */
export const DeleteAccountSchema = v.strictObject({ password: TypedPassword });
export type DeleteAccount = v.InferOutput<typeof DeleteAccountSchema>;

/** The answer of logout, logout-everywhere, password and delete. */
export const OkResponseSchema = v.object({ ok: v.literal(true) });

export const ACCOUNT_ROUTES = {
  changePassword: '/api/auth/password',
  signOutEverywhere: '/api/auth/logout-everywhere',
  deleteAccount: '/api/auth/delete',
} as const;
