/**
 * The OpenAPI document as swagger-jsdoc assembles it from the `@openapi` comments of `apis` over
 * `definition`. Run in a child process (child-call.ts, from openapi.ts): swagger-jsdoc with its
 * YAML, JSDoc and schema parsers is ~1.4 MB of source that a running service does not need.
 */
import swaggerJsdoc from 'swagger-jsdoc';

export function jsdocDocument(definition: swaggerJsdoc.OAS3Definition, apis: string[]): object {
  return swaggerJsdoc({ failOnErrors: true, definition, apis });
}
