/**
 * Username/password login (spec §10.2): the DictionaryAuthenticator (users and passwords from
 * config, for tests and demos) and the `POST /api/auth/provider/<name>/token` form login.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import { accessControlOf } from './principal.ts';
import { createSession } from './sessions.ts';
import type { AuthSettings } from './settings.ts';
import type { TokenResponse } from './tokens.ts';

/** Anything that checks a username and password: resolves to the user name, or undefined. */
export interface PasswordAuthenticator {
  authenticate(username: string, password: string): string | undefined | Promise<string | undefined>;
}

/** Checks passwords against a `users_to_passwords` map from config. */
export class DictionaryAuthenticator implements PasswordAuthenticator {
  readonly #passwords: Map<string, string>;

  constructor(usersToPasswords: Record<string, string>) {
    this.#passwords = new Map(Object.entries(usersToPasswords));
  }

  /** The user name when the password matches; undefined for an unknown user or a wrong password. */
  authenticate(username: string, password: string): string | undefined {
    const expected = this.#passwords.get(username);
    if (!expected) return undefined;
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    return timingSafeEqual(digest(expected), digest(password)) ? username : undefined;
  }
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The form login of provider `provider`: checks the password, then that the access policy knows
 * the user, then opens a session and returns its tokens. Both refusals are 401s.
 */
export async function loginWithPassword(
  provider: string,
  authenticator: PasswordAuthenticator,
  form: { username: string; password: string },
  settings: AuthSettings,
): Promise<TokenResponse> {
  const username = await authenticator.authenticate(form.username, form.password);
  if (!username) throw new DomainError('unauthorized', 'Incorrect username or password');
  if (!accessControlOf(settings).isUserKnown(username)) {
    throw new DomainError('unauthorized', 'User is not authorized to access the server');
  }
  return createSession(provider, username, settings);
}
