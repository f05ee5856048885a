/**
 * The HTTP side's copy of the console stream (spec §10.4): the last messages, each with a uid, for
 * `console_output_update`, and the same stream rendered as terminal text for `console_output`.
 */

import { randomUUID } from 'node:crypto';

/** One `QS_Console` message: epoch seconds and a text chunk. */
export interface ConsoleMessage {
  time: number;
  msg: string;
}

/** The body of `console_output_update` (without `success`/`msg`). */
export interface ConsoleUpdate {
  last_msg_uid: string;
  console_output_msgs: ConsoleMessage[];
}

export interface ConsoleBufferOptions {
  /** How many messages (ConsoleMessages) or lines (ConsoleText) are kept; 2000 as in the reference. */
  max?: number;
  /** Makes the uids; random UUIDs unless a test injects its own. */
  newUid?: () => string;
}

/** The last messages with their uids, answering "what came after the message I saw last". */
export class ConsoleMessages {
  readonly #max: number;
  readonly #newUid: () => string;
  #messages: ConsoleMessage[] = [];
  #uids: string[] = [];
  // A uid exists before any message so a client polling an empty buffer still gets one.
  #lastUid: string;

  constructor(options: ConsoleBufferOptions = {}) {
    this.#max = options.max ?? 2000;
    this.#newUid = options.newUid ?? randomUUID;
    this.#lastUid = this.#newUid();
  }

  /** Keeps a message under a fresh uid, dropping the oldest past the limit. */
  add(message: ConsoleMessage): void {
    const uid = this.#newUid();
    this.#messages.push(message);
    this.#uids.push(uid);
    this.#lastUid = uid;
    const excess = this.#messages.length - this.#max;
    if (excess > 0) {
      this.#messages.splice(0, excess);
      this.#uids.splice(0, excess);
    }
  }

  /** `"ALL"` → every kept message; a kept uid → the messages after it; any other uid → none. */
  update(lastMsgUid: string): ConsoleUpdate {
    let messages: ConsoleMessage[] = [];
    if (lastMsgUid === 'ALL') messages = this.#messages.slice();
    else {
      const index = this.#uids.indexOf(lastMsgUid);
      if (index >= 0) messages = this.#messages.slice(index + 1);
    }
    return { last_msg_uid: this.#lastUid, console_output_msgs: messages };
  }

  /** The uid of the newest message (or the initial random one). */
  get lastMsgUid(): string {
    return this.#lastUid;
  }
}

// The three controls a terminal would act on: new line, carriage return, cursor up (ESC [ A).
const CONTROL = /\n|\r|\x1b\[A/g;

/**
 * The console rendered as a terminal would show it: `\n` starts a new line, `\r` returns to
 * column 0 so that what follows overwrites, `ESC[A` moves up one line (progress bars redraw this
 * way). Lines past the limit drop off the top.
 */
export class ConsoleText {
  readonly #maxLines: number;
  readonly #newUid: () => string;
  #lines: string[] = [];
  #line = 0;
  #column = 0;
  #uid: string;

  constructor(options: ConsoleBufferOptions = {}) {
    this.#maxLines = Math.max(options.max ?? 2000, 0);
    this.#newUid = options.newUid ?? randomUUID;
    this.#uid = this.#newUid();
  }

  /** Renders one message's text into the lines. */
  add(message: ConsoleMessage): void {
    if (this.#maxLines === 0) return; // the reference's way of turning text rendering off
    const text = message.msg;
    if (this.#lines.length === 0) {
      this.#lines = [''];
      this.#line = 0;
      this.#column = 0;
    }
    let start = 0;
    for (const match of text.matchAll(CONTROL)) {
      this.#write(text.slice(start, match.index));
      start = match.index + match[0].length;
      if (match[0] === '\n') {
        this.#line += 1;
        if (this.#line >= this.#lines.length) this.#lines.push('');
        this.#column = 0;
      } else if (match[0] === '\r') {
        this.#column = 0;
      } else if (this.#line > 0) {
        this.#line -= 1;
      }
    }
    this.#write(text.slice(start));
    this.#trim();
    // Like the reference: any message may have changed the text, so clients are told to re-read.
    this.#uid = this.#newUid();
  }

  /**
   * The last `nlines` lines (all of them when undefined) joined by `\n`. A trailing empty line
   * (the text ended with a newline) is neither shown nor counted.
   */
  text(nlines?: number): string {
    const shown = this.#lines.at(-1) === '' ? this.#lines.slice(0, -1) : this.#lines;
    const count = Math.min(Math.max(nlines ?? shown.length, 0), shown.length);
    return count === 0 ? '' : shown.slice(shown.length - count).join('\n');
  }

  /** Changes whenever the rendered text may have changed (every added message). */
  get uid(): string {
    return this.#uid;
  }

  /** Writes text at the cursor, padding with spaces when the cursor is past the end of the line. */
  #write(chunk: string): void {
    if (chunk === '') return;
    const line = this.#lines[this.#line].padEnd(this.#column, ' ');
    this.#lines[this.#line] = line.slice(0, this.#column) + chunk + line.slice(this.#column + chunk.length);
    this.#column += chunk.length;
  }

  #trim(): void {
    // A trailing empty line is the cursor's place, not text: it does not count against the limit.
    const limit = this.#lines.at(-1) === '' ? this.#maxLines + 1 : this.#maxLines;
    const excess = this.#lines.length - limit;
    if (excess > 0) {
      this.#lines.splice(0, excess);
      this.#line = Math.max(this.#line - excess, 0);
    }
  }
}
