/**
 * The `/api/auth` routes (spec §10.3): scopes and whoami for any caller, API keys and sessions for
 * callers of a multi-user server, principals for admins, and the password login of each
 * configured provider. Single-user mode has no stored principals: whoami describes the caller as
 * authenticated (the reference answers 500, §17.13) and the key and session routes say they need
 * providers.
 */
import {
  type Binding,
  DomainError,
  type Handler,
  HttpError,
  validationError,
} from '@ophyd-service/service-kit';
import type Koa from 'koa';
import { type ApiKeyRequest, mintApiKey, revokeApiKey } from './auth/api-keys.ts';
import { API_KEY_COOKIE, currentApiKeyInfo } from './auth/authenticate.ts';
import { CSRF_COOKIE } from './auth/csrf.ts';
import { loginWithPassword } from './auth/dictionary.ts';
import { type Principal, principalFor } from './auth/principal.ts';
import {
  principalDocument,
  principalDocuments,
  storedPrincipal,
  uuidHex,
} from './auth/principal-document.ts';
import { knownUsernames, refreshSession, revokeSession } from './auth/sessions.ts';
import { type HttpAuth, requestView } from './gate.ts';

type Input = {
  body: unknown;
  query: Record<string, string>;
  params: Record<string, string>;
  ctx: Koa.Context;
};

/** The largest login form read (a username and a password). */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * The auth routes' bindings by operationId. `scopeOf` gives the scope an operation's OpenAPI block
 * requires (null for `[]`: any caller); routes that authenticate by their own means have no gate.
 */
export function authBindings(
  auth: HttpAuth,
  scopeOf: (operationId: string) => string | null,
): Record<string, Binding<never>> {
  const { settings } = auth;
  const gated = (id: string, handle: (input: Input) => unknown) => ({
    [id]: { before: [auth.gate(scopeOf(id))], handle: handle as Handler<never> },
  });
  const open = (id: string, handle: (input: Input) => unknown) => ({
    [id]: { handle: handle as Handler<never> },
  });
  const caller = (ctx: Koa.Context) => ctx.state.principal as Principal;

  return {
    ...gated('principal_list_api_auth_principal_get', () => principalDocuments(settings)),
    ...gated('principal_api_auth_principal__uuid__get', async ({ params }) =>
      principalDocument(await storedPrincipal(params.uuid, settings), settings),
    ),
    ...gated('apikey_for_principal_api_auth_principal__uuid__apikey_post', async ({ params, body }) => {
      const record = await storedPrincipal(params.uuid, settings);
      const owner = principalFor(record, knownUsernames(record, settings), 'none', settings);
      return mintApiKey(owner, body as ApiKeyRequest, settings);
    }),
    ...open('refresh_session_api_auth_session_refresh_post', ({ body }) =>
      refreshSession((body as { refresh_token: string }).refresh_token, settings),
    ),
    ...gated('revoke_session_api_auth_session_revoke__session_id__delete', ({ params, ctx }) =>
      revokeSession(caller(ctx), uuidHex(params.session_id) ?? params.session_id, settings),
    ),
    ...gated('new_apikey_api_auth_apikey_post', ({ body, ctx }) =>
      mintApiKey(caller(ctx), body as ApiKeyRequest, settings),
    ),
    ...open('current_apikey_info_api_auth_apikey_get', ({ ctx }) =>
      currentApiKeyInfo(requestView(ctx), settings),
    ),
    ...gated('revoke_apikey_api_auth_apikey_delete', ({ query, ctx }) =>
      revokeApiKey(caller(ctx), query.first_eight, settings),
    ),
    ...gated('whoami_api_auth_whoami_get', async ({ ctx }) => {
      const principal = caller(ctx);
      if (principal.via === 'none') {
        // Anonymous: the reference's JSON `null` (a null body would be Koa's 204).
        ctx.type = 'application/json';
        ctx.body = 'null';
        return undefined;
      }
      const stored =
        principal.via === 'single_user_api_key'
          ? undefined
          : await settings.sessions?.principal(principal.uuid);
      return principalDocument(stored ?? principal, settings, principal);
    }),
    ...gated('scopes_api_auth_scopes_get', ({ ctx }) => ({
      roles: caller(ctx).roles,
      scopes: caller(ctx).scopes,
    })),
    ...gated('logout_api_auth_logout_post', ({ ctx }) => {
      ctx.cookies.set(API_KEY_COOKIE, null);
      ctx.cookies.set(CSRF_COOKIE, null);
      return {};
    }),
    ...open('handle_credentials_api_auth_provider__provider__token_post', async ({ params, ctx }) => {
      const authenticator = auth.authenticators.get(params.provider);
      if (!authenticator) throw new HttpError(404, 'Not Found');
      const form = await loginForm(ctx);
      try {
        return await loginWithPassword(params.provider, authenticator, form, settings);
      } catch (error) {
        if (error instanceof DomainError && error.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
        throw error;
      }
    }),
  };
}

/** The OAuth2 password form (`username`, `password`), urlencoded as clients send it, or JSON. */
async function loginForm(ctx: Koa.Context): Promise<{ username: string; password: string }> {
  const parsed = (ctx.request as { body?: unknown }).body;
  let fields: Record<string, unknown>;
  if (ctx.is('application/x-www-form-urlencoded')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) throw new HttpError(413, 'Request Entity Too Large');
      chunks.push(chunk);
    }
    fields = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  } else {
    fields =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
  }
  const missing = ['username', 'password'].filter((name) => typeof fields[name] !== 'string');
  if (missing.length)
    throw validationError(
      missing.map((name) => ({ type: 'missing', loc: ['body', name], msg: 'Field required', input: null })),
    );
  return { username: fields.username as string, password: fields.password as string };
}
