/**
 * Authentication on every route and socket (spec §10.2, §10.5): a route's gate finds the caller from
 * its credentials and requires the scope the route's OpenAPI block names; the principal's displayed
 * name and group are what the queue records on the items it adds.
 */
import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import type { SocketAuth } from '../sockets/streams.ts';
import { API_KEY_COOKIE, authenticate, type RequestView } from './auth/authenticate.ts';
import { CSRF_COOKIE, checkCsrf, needsCsrfCookie, newCsrfToken } from './auth/csrf.ts';
import type { PasswordAuthenticator } from './auth/dictionary.ts';
import { type Principal, requireScopes } from './auth/principal.ts';
import type { AuthSettings } from './auth/settings.ts';
import { authFromFirstMessage, authFromUpgrade } from './auth/websocket-auth.ts';
import type { Who } from './relay.ts';

export interface HttpAuth {
  settings: AuthSettings;
  /** Username/password authenticators by provider name. */
  authenticators: ReadonlyMap<string, PasswordAuthenticator>;
  /** Authenticates the request and requires `scope`; `null` admits any caller (scopes `[]`). */
  gate(scope: string | null): Koa.Middleware;
  sockets: SocketAuth;
}

const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', overwrite: true } as const;

export function httpAuth(
  settings: AuthSettings,
  authenticators: ReadonlyMap<string, PasswordAuthenticator> = new Map(),
): HttpAuth {
  return {
    settings,
    authenticators,
    gate: (scope) => async (ctx, next) => {
      const view = requestView(ctx);
      checkCsrf(view);
      const principal = await authenticate(view, settings);
      if (scope !== null) requireScopes(principal, [scope]);
      ctx.state.principal = principal;
      // A key given in the query moves into a cookie, and a browser gets its CSRF token (§10.1).
      if (principal.apiKeyCookie) ctx.cookies.set(API_KEY_COOKIE, principal.apiKeyCookie, COOKIE_OPTIONS);
      if (needsCsrfCookie(view)) ctx.cookies.set(CSRF_COOKIE, newCsrfToken(), COOKIE_OPTIONS);
      await next();
    },
    sockets: {
      fromUpgrade: async (request: IncomingMessage, scope: string) =>
        'principal' in (await authFromUpgrade(request, scope, settings)) ? 'ok' : 'ask',
      fromFirstMessage: async (text: string) => {
        const verdict = await authFromFirstMessage(text, settings);
        return 'principal' in verdict ? 'ok' : verdict.closeCode;
      },
    },
  };
}

export function principalOf(ctx: Koa.Context): Who {
  const principal = ctx.state.principal as Principal;
  return { user: principal.displayedName, group: principal.userGroup };
}

/** The parts of a Koa request that authentication reads. */
export function requestView(ctx: Koa.Context): RequestView {
  const cookies: Record<string, string | undefined> = {};
  for (const part of (ctx.get('Cookie') || '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return {
    method: ctx.method,
    query: ctx.query as Record<string, string | undefined>,
    headers: ctx.headers as Record<string, string | undefined>,
    cookies,
  };
}
