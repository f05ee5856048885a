/**
 * The cells of an uploaded spreadsheet, by its file name's extension: `.csv` (UTF-8 text) or `.xlsx`
 * (its first sheet). The workbook reader is loaded on the first `.xlsx`, so a server that never
 * gets one never holds it.
 */
import { extname } from 'node:path';
import { parseCsv } from './csv.ts';

/** One cell as read: text, a number, a boolean or a date (xlsx only); null when empty. */
export type Cell = string | number | boolean | Date | null;

export const SPREADSHEET_EXTENSIONS = ['.xlsx', '.csv'] as const;

/** Why a spreadsheet could not be turned into plans: answered as `{success: false, msg}`. */
export class SpreadsheetError extends Error {
  override name = 'SpreadsheetError';
}

/** The rows of the spreadsheet, header first. */
export async function readSheetRows(file: Buffer, fileName: string): Promise<Cell[][]> {
  const extension = extname(fileName).toLowerCase();
  if (extension === '.csv') return readCsv(file, fileName);
  if (extension === '.xlsx') return readXlsx(file, fileName);
  if (extension === '.xls')
    throw new SpreadsheetError(
      `File '${fileName}' is an Excel 97-2003 workbook (.xls), which is not supported: save it as .xlsx or .csv`,
    );
  throw new SpreadsheetError(
    `File '${fileName}' (extension '${extname(fileName)}') is not supported: supported extensions ${SPREADSHEET_EXTENSIONS.map((e) => `'${e}'`).join(', ')}`,
  );
}

function readCsv(file: Buffer, fileName: string): Cell[][] {
  let text: string;
  try {
    // Excel writes a byte-order mark before UTF-8 CSV; the decoder drops it.
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw new SpreadsheetError(`File '${fileName}' is not UTF-8 text: save the CSV as UTF-8`);
  }
  try {
    return parseCsv(text);
  } catch (error) {
    throw new SpreadsheetError(`File '${fileName}' is not valid CSV: ${(error as Error).message}`);
  }
}

async function readXlsx(file: Buffer, fileName: string): Promise<Cell[][]> {
  const { readSheet } = await import('read-excel-file/node');
  try {
    return (await readSheet(file)) as Cell[][];
  } catch (error) {
    throw new SpreadsheetError(
      `File '${fileName}' could not be read as an Excel workbook: ${(error as Error).message}`,
    );
  }
}
