/**
 * A document writer in the JSON Lines layout Python's tools read (suitcase-jsonl, databroker's
 * jsonl backend): one `{"name": …, "doc": …}` object per line.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Document, DocumentName } from './documents.ts';

export function toJsonLine(name: DocumentName, doc: Document): string {
  return `${JSON.stringify({ name, doc })}\n`;
}

export class JsonlWriter {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
  }

  /** A subscriber callback: RE.subscribe(writer.callback). Awaiting backpressure paces only this subscriber. */
  readonly callback = async (name: DocumentName, doc: Document): Promise<void> => {
    if (!this.stream.write(toJsonLine(name, doc))) await once(this.stream, 'drain');
  };

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close');
  }
}
