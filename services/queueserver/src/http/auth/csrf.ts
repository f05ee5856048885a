/**
 * Double-submit-cookie CSRF protection (spec §10.1): a state-changing request that carries the
 * API-key cookie must repeat the CSRF cookie's value in the `x-csrf` header or `?csrf=` query.
 * Keys sent in a header or the query are not sent by browsers on their own, so they need no check.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@ophyd-service/service-kit';
import { API_KEY_COOKIE, type AuthRequest, headerOf } from './authenticate.ts';

/** The cookie holding the CSRF token (set on any response to a request that lacks it). */
export const CSRF_COOKIE = 'bluesky_httpserver_csrf';
export const CSRF_HEADER = 'x-csrf';
export const CSRF_QUERY_PARAMETER = 'csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Throws a 403 when the request needs a CSRF token and lacks a matching one. */
export function checkCsrf(request: AuthRequest): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  if (request.cookies[API_KEY_COOKIE] === undefined) return;
  const cookie = request.cookies[CSRF_COOKIE];
  if (!cookie) throw new DomainError('forbidden', `Expected ${CSRF_COOKIE} cookie`);
  const token = headerOf(request, CSRF_HEADER) ?? request.query[CSRF_QUERY_PARAMETER];
  if (!token) {
    throw new DomainError(
      'forbidden',
      `Expected ${CSRF_QUERY_PARAMETER} query parameter or ${CSRF_HEADER} header`,
    );
  }
  const given = Buffer.from(token);
  const expected = Buffer.from(cookie);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DomainError('forbidden', 'Double-submit CSRF tokens do not match');
  }
}

/** Whether the response should set a fresh CSRF cookie (the request came without one). */
export function needsCsrfCookie(request: Pick<AuthRequest, 'cookies'>): boolean {
  return !request.cookies[CSRF_COOKIE];
}

/** A new CSRF token: 32 random bytes, URL-safe base64 (Python's secrets.token_urlsafe(32)). */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}
