/**
 * CSV as RFC 4180 writes it (and Excel and pandas save it): comma-separated fields, a field in
 * double quotes may hold commas, line breaks and doubled quotes. An empty field is a missing cell
 * (null), as pandas reads a spreadsheet with `na_values=""`.
 */

export type CsvRow = (string | null)[];

/** The rows of `text`; a line break at the very end does not start another row. */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let row: CsvRow = [];
  let field = '';
  let quoted = false;
  /** Whether the current field was written in quotes (`""` is an empty string, not a missing cell). */
  let wasQuoted = false;
  const endField = () => {
    row.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    // A blank line is a row with no cells: it stays, so row numbers match the lines a user sees.
    rows.push(row.length === 1 && row[0] === null ? [] : row);
    row = [];
  };
  for (let at = 0; at < text.length; at++) {
    const ch = text[at];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[at + 1] === '"') {
        field += '"';
        at++;
      } else quoted = false;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[at + 1] === '\n') at++;
      endRow();
    } else field += ch;
  }
  if (quoted) throw new Error('the file ends inside a quoted field (a double quote is not closed)');
  if (field !== '' || wasQuoted || row.length > 0) endRow();
  return rows;
}
