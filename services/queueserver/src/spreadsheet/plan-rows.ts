/**
 * The built-in spreadsheet converter: rows to plan items, as bluesky-queueserver's default
 * `spreadsheet_to_plan_list` reads them.
 *
 * - The first row names the columns: column 1 holds plan names, column 2 positional args, every
 *   further column one keyword argument, named by its header.
 * - Each later row is one plan; a row whose plan-name cell is empty is skipped (a blank line).
 * - A cell is a Python literal: `'det1'`, `10`, `0.5`, `['det1', 'det2']`, `{'a': 1}`, `None`,
 *   `True`; a bare `1, 2` is a tuple (a list here). The args cell is the args without their
 *   brackets (`['det1'], 'motor', -1, 1`). A plan name may be given unquoted.
 * - Rows are numbered as the reference numbers them: row 1 is the first row under the header.
 */
import { literalEval } from '../manager/python-text.ts';
import { pythonClassRepr, pythonRepr } from '../zmq/python-repr.ts';
import { type Cell, SpreadsheetError } from './sheet.ts';

export interface SpreadsheetPlan {
  name: string;
  item_type: 'plan';
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

const MISSING = Symbol('missing cell');
const PYTHON_IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

export function rowsToPlans(rows: readonly Cell[][]): SpreadsheetPlan[] {
  const [header, ...body] = rows;
  if (!header || header.every(isEmpty))
    throw new SpreadsheetError(
      'The spreadsheet has no header: its first row must name the columns (plan name, args, then one column per keyword argument)',
    );
  const kwargColumns = keywordColumns(header, body);
  const plans: SpreadsheetPlan[] = [];
  body.forEach((row, index) => {
    const rowNumber = index + 1;
    const name = planName(row[0] ?? null, row, rowNumber);
    if (name === null) return;
    const plan: SpreadsheetPlan = { name, item_type: 'plan' };
    const where = (column: number) => `row ${rowNumber} ${rowText(row)}, ${columnLabel(header, column)}`;
    try {
      const args = readArgs(row[1] ?? null);
      if (args.length) plan.args = args;
    } catch (error) {
      throw new SpreadsheetError(
        `Error occurred while interpreting plan parameters in ${where(1)}: ${(error as Error).message}`,
      );
    }
    const kwargs: Record<string, unknown> = {};
    for (const { index: column, name: key } of kwargColumns) {
      let value: unknown;
      try {
        value = readCell(row[column] ?? null);
      } catch (error) {
        throw new SpreadsheetError(
          `Error occurred while interpreting plan parameters in ${where(column)}: ${(error as Error).message}`,
        );
      }
      if (value !== MISSING) kwargs[key] = value;
    }
    if (Object.keys(kwargs).length) plan.kwargs = kwargs;
    plans.push(plan);
  });
  return plans;
}

/** The keyword-argument columns (3rd on): named, distinct (ignoring case), unnamed ones empty. */
function keywordColumns(header: readonly Cell[], body: readonly Cell[][]): { index: number; name: string }[] {
  const width = Math.max(header.length, ...body.map((row) => row.length));
  const columns: { index: number; name: string }[] = [];
  for (let index = 2; index < width; index++) {
    const name = headerText(header[index] ?? null);
    if (name) {
      columns.push({ index, name });
      continue;
    }
    const used = body.findIndex((row) => !isEmpty(row[index] ?? null));
    if (used >= 0)
      throw new SpreadsheetError(
        `Row ${used + 1} (${rowText(body[used])}) has a value in column ${index + 1}, which has no name in the first row (the keyword argument it sets)`,
      );
  }
  const seen = new Map<string, string>();
  const same = columns.filter(({ name }) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return true;
    seen.set(key, name);
    return false;
  });
  if (same.length)
    throw new SpreadsheetError(
      `Some plan kwarg names are identical (letter case aside): ${columns
        .filter(({ name }) => same.some((s) => s.name.toLowerCase() === name.toLowerCase()))
        .map(({ name }) => pythonRepr(name))
        .join(', ')}`,
    );
  return columns;
}

/** The row's plan name; null for a row to skip (empty, or a falsy name as Python sees it). */
function planName(cell: Cell, row: readonly Cell[], rowNumber: number): string | null {
  if (isEmpty(cell) || cell === 0 || cell === false) return null;
  let name: unknown = cell;
  if (typeof cell === 'string') {
    // Quoted or not: an unreadable name stays the text it is (and is then checked as a name).
    try {
      name = literalEval(cell.trim());
    } catch {
      name = cell.trim();
    }
  }
  const shown = `${pythonRepr(cellValue(name as Cell))} (row ${rowNumber}: ${rowText(row)})`;
  if (typeof name !== 'string')
    throw new SpreadsheetError(
      `Plan name ${shown} has incorrect type ${pythonClassRepr(cellValue(name as Cell))}: only 'str' type is supported`,
    );
  if (!PYTHON_IDENTIFIER.test(name))
    throw new SpreadsheetError(`Plan name ${shown} is not a valid plan name`);
  return name;
}

/** The args cell: the list's elements without its brackets. */
function readArgs(cell: Cell): unknown[] {
  if (isEmpty(cell)) return [];
  if (typeof cell === 'string') return literal(`[${cell}]`, cell) as unknown[];
  return [readCell(cell)];
}

/** One cell's value, or MISSING for an empty cell. */
function readCell(cell: Cell): unknown {
  if (cell === null || isEmpty(cell)) return MISSING;
  if (typeof cell === 'number' || typeof cell === 'boolean') return cell;
  if (cell instanceof Date)
    throw new Error(
      `cell value ${cell.toISOString()} is a date, which is not supported: write numbers or text (Python literals)`,
    );
  // In parentheses, so a bare `1, 2` reads as the tuple Python's eval makes of it.
  return literal(`(${cell})`, cell);
}

function literal(text: string, cell: string): unknown {
  try {
    return literalEval(text);
  } catch {
    const name = unquotedName(cell);
    if (name !== null)
      throw new Error(`name '${name}' is not defined: quote names of devices and plans ('${name}')`);
    throw new Error(
      `${pythonRepr(cell)} is not a Python literal (numbers, quoted strings, lists, tuples, dicts, None, True, False)`,
    );
  }
}

/** The first word outside quotes that a Python literal cannot hold, if any. */
function unquotedName(text: string): string | null {
  const outsideQuotes = text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  for (const [word] of outsideQuotes.matchAll(/(?<![\w.])[A-Za-z_]\w*/g))
    if (!['None', 'True', 'False'].includes(word)) return word;
  return null;
}

function isEmpty(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function headerText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  return (cell instanceof Date ? cell.toISOString() : String(cell)).trim();
}

function cellValue(cell: Cell): unknown {
  return cell instanceof Date ? cell.toISOString() : cell;
}

/** `column 'num'` by its header, else by its number (`column 2`). */
function columnLabel(header: readonly Cell[], index: number): string {
  const name = headerText(header[index]);
  return name ? `column ${pythonRepr(name)}` : `column ${index + 1}`;
}

/** The row as the reference prints it: a Python tuple, `nan` for an empty cell. */
function rowText(row: readonly Cell[]): string {
  const cells = row.map((cell) => (isEmpty(cell) ? 'nan' : pythonRepr(cellValue(cell))));
  return cells.length === 1 ? `(${cells[0]},)` : `(${cells.join(', ')})`;
}
