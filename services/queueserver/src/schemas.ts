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
