/**
 * Modules taken through `require` instead of `import`. An ESM import of node:http builds its
 * namespace by reading every export, and three of them (WebSocket, CloseEvent, MessageEvent) are
 * getters that load Node's bundled undici: about 11 MB of RSS in a service that never uses them.
 * @koa/router's ESM build imports node:http, its CommonJS build requires it, which reads nothing.
 * Others are taken at first use, by the few processes that need them: node:https loads node:tls,
 * which alone touches ~7 MB more of the node binary's pages, and only a service serving TLS, or
 * one a WebSocket client has reached (ws requires it for its client half), needs it.
 */
import { createRequire } from 'node:module';
import type KoaRouter from '@koa/router';
import type * as PromClient from 'prom-client';
import type { ServerOptions, WebSocketServer } from 'ws';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);

/** node:http, without the undici its ESM namespace would load. */
export const http = require('node:http') as typeof import('node:http');
/** node:https (and with it node:tls), for a service that serves TLS. */
export const https = () => require('node:https') as typeof import('node:https');

/**
 * The parts of prom-client a service uses, from its own files: its index also loads the
 * Pushgateway (which requires node:https) and the cluster aggregator, which no service uses.
 */
export const prom = {
  Registry: require('prom-client/lib/registry') as typeof PromClient.Registry,
  Histogram: require('prom-client/lib/histogram') as typeof PromClient.Histogram,
  collectDefaultMetrics: require('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics,
};

/** A WebSocket server for HTTP upgrades, with ws loaded at the first one (see above for why). */
export const webSocketServer = (options: ServerOptions): WebSocketServer =>
  new (require('ws') as typeof import('ws')).WebSocketServer(options);
/** @koa/router's CommonJS build (its module.exports is the class). */
export const Router = require('@koa/router') as typeof KoaRouter;
export type Router = KoaRouter;

/**
 * The YAML parser, loaded by the first YAML file a service reads (an operator's registry, profile
 * or configuration file): yaml's ~0.3 MB of source would otherwise stay loaded in every service.
 */
export const yaml = () => require('yaml') as typeof Yaml;
