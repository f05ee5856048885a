/**
 * The spreadsheet upload route (spec §10.3): reads the multipart form and hands the file and
 * `data_type` to the use case (spreadsheet/upload.ts).
 */
import type { Binding, Handler } from '@ophyd-service/service-kit';
import type Koa from 'koa';
import { type SpreadsheetUploadDeps, uploadSpreadsheet } from '../spreadsheet/upload.ts';
import { readMultipartForm } from './multipart.ts';
import type { Who } from './relay.ts';

/** The largest spreadsheet accepted (the reference reads any size into memory). */
export const MAX_SPREADSHEET_BYTES = 16 * 1024 * 1024;

type Bind = (operationId: string, handle: Handler<never>) => Binding<never>;

export function spreadsheetBindings(deps: SpreadsheetUploadDeps, bind: Bind, who: (ctx: Koa.Context) => Who) {
  return {
    queue_upload_spreadsheet_api_queue_upload_spreadsheet_post: bind(
      'queue_upload_spreadsheet_api_queue_upload_spreadsheet_post',
      (async ({ ctx }: { ctx: Koa.Context }) => {
        const form = await readMultipartForm(ctx, { fileBytes: MAX_SPREADSHEET_BYTES });
        const file = form.files.get('spreadsheet');
        return uploadSpreadsheet(
          deps,
          {
            file: file ? { name: file.fileName, bytes: file.bytes } : null,
            dataType: form.fields.get('data_type') ?? null,
          },
          who(ctx),
        );
      }) as never,
    ),
  };
}
