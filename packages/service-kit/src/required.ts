/**
 * Modules taken through `require` instead of `import`. An ESM import of node:http builds its
 * namespace by reading every export, and three of them (WebSocket, CloseEvent, MessageEvent) are
 * getters that load Node's bundled undici: about 11 MB of RSS in a service that never uses them.
 * @koa/router's ESM build imports node:http, its CommonJS build requires it, which reads nothing.
 * Others are taken at first use, by the few processes that need them.
 */
import { createRequire } from 'node:module';
import type KoaRouter from '@koa/router';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);

/** node:http, without the undici its ESM namespace would load. */
export const http = require('node:http') as typeof import('node:http');
/** node:https, for the same reason (it re-exports node:http's server). */
export const https = require('node:https') as typeof import('node:https');
/** @koa/router's CommonJS build (its module.exports is the class). */
export const Router = require('@koa/router') as typeof KoaRouter;
export type Router = KoaRouter;

/**
 * The YAML parser, loaded by the first YAML file a service reads (an operator's registry, profile
 * or configuration file): yaml's ~0.3 MB of source would otherwise stay loaded in every service.
 */
export const yaml = () => require('yaml') as typeof Yaml;
