/** The component schemas the queue server's OpenAPI document publishes. */
import { errorSchemas, type Schema } from '@ophyd-service/service-kit';

export const schemas: Record<string, Schema> = {
  Payload: {
    type: 'object',
    description: "The keyword arguments of the Python client's method of the same purpose",
    additionalProperties: true,
  },
  ManagerReply: {
    type: 'object',
    description:
      "The manager's reply: `success` and `msg` plus the method's keys (the status object has no `success`)",
    properties: { success: { type: 'boolean' }, msg: { type: 'string' } },
    additionalProperties: true,
  },
  ApiKeyRequest: {
    type: 'object',
    description:
      'A new API key: lifetime in seconds (null: never expires), scopes (default ["inherit"]), note',
    properties: {
      expires_in: { type: ['integer', 'null'], minimum: 0 },
      scopes: { type: ['array', 'null'], items: { type: 'string' } },
      note: { type: ['string', 'null'], maxLength: 255 },
    },
    required: ['expires_in'],
    additionalProperties: false,
  },
  ApiKey: {
    type: 'object',
    description: 'A minted API key as stored (times are naive UTC ISO text)',
    properties: {
      first_eight: { type: 'string' },
      expiration_time: { type: ['string', 'null'] },
      note: { type: ['string', 'null'] },
      scopes: { type: 'array', items: { type: 'string' } },
      latest_activity: { type: ['string', 'null'] },
      secret: { type: 'string', description: 'Only when the key is minted: 72 hex digits' },
    },
    required: ['first_eight', 'expiration_time', 'note', 'scopes', 'latest_activity'],
  },
  RefreshToken: {
    type: 'object',
    properties: { refresh_token: { type: 'string' } },
    required: ['refresh_token'],
  },
  Tokens: {
    type: 'object',
    description: 'Access and refresh tokens (HS256 JWTs)',
    properties: {
      access_token: { type: 'string' },
      expires_in: { type: 'number' },
      refresh_token: { type: 'string' },
      refresh_token_expires_in: { type: 'number' },
      token_type: { type: 'string', const: 'bearer' },
    },
    required: ['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'token_type'],
  },
  AllowedScopes: {
    type: 'object',
    properties: {
      roles: { type: 'array', items: { type: 'string' } },
      scopes: { type: 'array', items: { type: 'string' } },
    },
    required: ['roles', 'scopes'],
  },
  Principal: {
    type: 'object',
    description: 'A user or service: identities, API keys, sessions, roles and scopes',
    properties: {
      uuid: { type: 'string' },
      type: { type: 'string', enum: ['user', 'service'] },
      identities: { type: 'array', items: { type: 'object', additionalProperties: true } },
      api_keys: { type: 'array', items: { $ref: '#/components/schemas/ApiKey' } },
      sessions: { type: 'array', items: { type: 'object', additionalProperties: true } },
      latest_activity: { type: ['string', 'null'] },
      roles: { type: 'array', items: { type: 'string' } },
      scopes: { type: 'array', items: { type: 'string' } },
      api_key_scopes: { type: ['array', 'null'], items: { type: 'string' } },
    },
    required: ['uuid', 'type', 'identities', 'roles', 'scopes'],
  },
  DeviceDiff: {
    type: 'object',
    description:
      "The running environment's devices (the profile) against the registry's instantiation specs, names sorted",
    properties: {
      added: {
        type: 'array',
        items: { type: 'string' },
        description: 'In the environment, not in the registry',
      },
      removed: {
        type: 'array',
        items: { type: 'string' },
        description: 'Active in the registry, not in the environment',
      },
      modified: {
        type: 'array',
        description: 'On both sides, active in the registry, with different specs',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            before: { type: 'object', additionalProperties: true, description: "The registry's spec" },
            after: { type: 'object', additionalProperties: true, description: "The environment's spec" },
            fields_changed: { type: 'array', items: { type: 'string' } },
          },
          required: ['name', 'before', 'after', 'fields_changed'],
        },
      },
      disabled: {
        type: 'array',
        items: { type: 'string' },
        description: 'Disabled in the registry (only `selected` touches them)',
      },
    },
    required: ['added', 'removed', 'modified', 'disabled'],
  },
  DeviceDiffResponse: {
    type: 'object',
    properties: { diff: { $ref: '#/components/schemas/DeviceDiff' } },
    required: ['diff'],
  },
  DeviceSyncRequest: {
    type: 'object',
    description:
      'What to write: `strategy` all (default), additions_only or selected; `devices` for selected',
    properties: {
      strategy: { type: 'string' },
      devices: { type: ['array', 'null'], items: { type: 'string' } },
    },
    additionalProperties: true,
  },
  DeviceSyncResponse: {
    type: 'object',
    properties: {
      applied: {
        type: 'object',
        properties: {
          upserted: { type: 'array', items: { type: 'string' } },
          deleted: { type: 'array', items: { type: 'string' } },
        },
        required: ['upserted', 'deleted'],
      },
      diff_after: { $ref: '#/components/schemas/DeviceDiff' },
    },
    required: ['applied', 'diff_after'],
  },
  ...errorSchemas,
};

/**
 * @openapi
 * components:
 *   securitySchemes:
 *     ApiKeyHeader: { type: apiKey, in: header, name: Authorization, description: "ApiKey <key>" }
 *     OAuth2PasswordBearer:
 *       type: oauth2
 *       flows: { password: { tokenUrl: /api/auth/provider/toy/token, scopes: {} } }
 */
export const SECURITY_SCHEMES = true;
