/**
 * A `multipart/form-data` request body (an HTML form with files), read into memory within limits.
 * busboy is loaded on the first such request, so a server that never gets one never holds it.
 */
import { DomainError } from '@ophyd-service/service-kit';
import type Koa from 'koa';

export interface FormFile {
  fileName: string;
  bytes: Buffer;
}

export interface MultipartForm {
  /** The first file of each field name. */
  files: Map<string, FormFile>;
  /** The first value of each text field. */
  fields: Map<string, string>;
}

export interface FormLimits {
  /** Bytes one file may hold; more is a 413. */
  fileBytes: number;
}

/** The form; an empty one when the request is not multipart (a route then names what is missing). */
export async function readMultipartForm(ctx: Koa.Context, limits: FormLimits): Promise<MultipartForm> {
  const form: MultipartForm = { files: new Map(), fields: new Map() };
  if (!ctx.is('multipart/form-data')) return form;
  const { default: busboy } = await import('busboy');
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: DomainError) => {
      if (failed) return;
      failed = true;
      // What the client is still sending is read and dropped, so the answer reaches it.
      ctx.req.unpipe(parser);
      ctx.req.resume();
      reject(error);
    };
    let parser: ReturnType<typeof busboy>;
    try {
      parser = busboy({
        headers: ctx.req.headers,
        limits: { fileSize: limits.fileBytes, files: 8, fields: 32, fieldSize: 64 * 1024 },
      });
    } catch (error) {
      reject(
        new DomainError('bad_request', `The multipart body cannot be read: ${(error as Error).message}`),
      );
      return;
    }
    // Done when the parser has closed and every file stream has ended, in whichever order they come.
    let open = 1;
    const settle = () => {
      if (--open === 0 && !failed) resolve(form);
    };
    parser.on('file', (name, stream, info) => {
      open++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () =>
        fail(
          new DomainError(
            'too_large',
            `The file '${info.filename}' is larger than ${limits.fileBytes} bytes, the most one upload may hold`,
          ),
        ),
      );
      stream.on('end', () => {
        if (!form.files.has(name))
          form.files.set(name, { fileName: info.filename ?? '', bytes: Buffer.concat(chunks) });
        settle();
      });
    });
    parser.on('field', (name, value) => {
      if (!form.fields.has(name)) form.fields.set(name, value);
    });
    parser.on('error', (error: Error) =>
      fail(new DomainError('bad_request', `The multipart body cannot be read: ${error.message}`)),
    );
    parser.on('close', settle);
    ctx.req.pipe(parser);
  });
}
