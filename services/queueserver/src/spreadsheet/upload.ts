/**
 * `POST /api/queue/upload/spreadsheet` as a use case: the spreadsheet becomes a list of items (by
 * a custom module's `spreadsheet_to_plan_list`, else the built-in converter), which are added as
 * one `queue_item_add_batch`, all or none. A spreadsheet that cannot be converted is a reply, not
 * an error: `{success: false, msg, items: [], results: []}`, as the reference answers.
 */
import { DomainError } from '@ophyd-service/service-kit';
import type { Params, Reply } from '../manager/types.ts';
import { pythonClassRepr, pythonRepr } from '../zmq/python-repr.ts';
import { CUSTOM_MODULES_VARIABLE, type CustomModules } from './custom-modules.ts';
import { rowsToPlans } from './plan-rows.ts';
import { readSheetRows, SpreadsheetError } from './sheet.ts';

export interface SpreadsheetUpload {
  /** The `spreadsheet` file part; null when the request has none. */
  file: { name: string; bytes: Buffer } | null;
  /** The `data_type` form field. */
  dataType: string | null;
}

export interface SpreadsheetUploadDeps {
  manager: { call(method: string, params: Params): Promise<Reply> };
  customModules: CustomModules;
}

export async function uploadSpreadsheet(
  deps: SpreadsheetUploadDeps,
  upload: SpreadsheetUpload,
  who: { user: string; group: string },
): Promise<Reply> {
  if (!upload.file)
    throw new DomainError('invalid', [
      { type: 'missing', loc: ['body', 'spreadsheet'], msg: 'Field required', input: null },
    ]);
  let items: Record<string, unknown>[];
  try {
    items = checkedItems(await convert(deps.customModules, upload.file, upload.dataType, who.user));
  } catch (error) {
    return { success: false, msg: (error as Error)?.message ?? String(error), items: [], results: [] };
  }
  return deps.manager.call('queue_item_add_batch', { items, user: who.user, user_group: who.group });
}

async function convert(
  customModules: CustomModules,
  file: { name: string; bytes: Buffer },
  dataType: string | null,
  user: string,
): Promise<unknown> {
  const custom = await customModules.spreadsheetConverter();
  if (custom) {
    const items = await custom.convert({
      spreadsheet_file: file.bytes,
      file_name: file.name,
      data_type: dataType,
      user,
    });
    // null: the module declines this spreadsheet (its data type), and the built-in converter gets it.
    if (items !== null && items !== undefined) return items;
  } else if (dataType)
    throw new SpreadsheetError(
      `Unsupported data type: ${pythonRepr(dataType)}: the built-in converter reads plan spreadsheets without one, and no custom module (${CUSTOM_MODULES_VARIABLE}) converts spreadsheets`,
    );
  return rowsToPlans(await readSheetRows(file.bytes, file.name));
}

/** The converter's result as queue items: a list of objects, plans unless they say otherwise. */
function checkedItems(items: unknown): Record<string, unknown>[] {
  if (!Array.isArray(items))
    throw new SpreadsheetError(
      `Spreadsheet processing function returned value of ${pythonClassRepr(items)} type instead of 'list' or 'tuple'`,
    );
  return items.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw new SpreadsheetError(
        `Spreadsheet processing function returned item ${index + 1} as ${pythonClassRepr(item)}: items must be dicts`,
      );
    const fields = item as Record<string, unknown>;
    return 'item_type' in fields ? fields : { ...fields, item_type: 'plan' };
  });
}
