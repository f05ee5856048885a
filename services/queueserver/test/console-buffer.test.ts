import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConsoleMessages, ConsoleText } from '../src/console/console-buffer.ts';

/** uid-0, uid-1, … so that tests can name the uid each message got. */
function counter(): () => string {
  let n = 0;
  return () => `uid-${n++}`;
}

const at = (time: number, msg: string) => ({ time, msg });

describe('ConsoleMessages', () => {
  test('an empty buffer answers with its initial uid and no messages', () => {
    const buffer = new ConsoleMessages({ newUid: counter() });
    assert.deepEqual(buffer.update('ALL'), { last_msg_uid: 'uid-0', console_output_msgs: [] });
    assert.deepEqual(buffer.update(''), { last_msg_uid: 'uid-0', console_output_msgs: [] });
  });

  test('ALL, a known uid, an unknown uid and the empty uid', () => {
    const buffer = new ConsoleMessages({ newUid: counter() });
    buffer.add(at(1.5, 'first\n'));
    buffer.add(at(2.5, 'second\n'));
    buffer.add(at(3.5, 'third\n'));
    assert.deepEqual(buffer.update('ALL'), {
      last_msg_uid: 'uid-3',
      console_output_msgs: [at(1.5, 'first\n'), at(2.5, 'second\n'), at(3.5, 'third\n')],
    });
    assert.deepEqual(buffer.update('uid-1'), {
      last_msg_uid: 'uid-3',
      console_output_msgs: [at(2.5, 'second\n'), at(3.5, 'third\n')],
    });
    assert.deepEqual(buffer.update('uid-3'), { last_msg_uid: 'uid-3', console_output_msgs: [] });
    assert.deepEqual(buffer.update('never-issued'), { last_msg_uid: 'uid-3', console_output_msgs: [] });
    assert.deepEqual(buffer.update(''), { last_msg_uid: 'uid-3', console_output_msgs: [] });
    assert.equal(buffer.lastMsgUid, 'uid-3');
  });

  test('polling with the uid it was given returns only what came since', () => {
    const buffer = new ConsoleMessages({ newUid: counter() });
    buffer.add(at(1, 'a'));
    const first = buffer.update('');
    buffer.add(at(2, 'b'));
    buffer.add(at(3, 'c'));
    assert.deepEqual(buffer.update(first.last_msg_uid).console_output_msgs, [at(2, 'b'), at(3, 'c')]);
  });

  test('only the newest messages are kept; a dropped uid is unknown', () => {
    const buffer = new ConsoleMessages({ max: 3, newUid: counter() });
    for (let i = 1; i <= 5; i++) buffer.add(at(i, `m${i}`));
    assert.deepEqual(buffer.update('ALL').console_output_msgs, [at(3, 'm3'), at(4, 'm4'), at(5, 'm5')]);
    assert.deepEqual(buffer.update('uid-1').console_output_msgs, []);
    assert.deepEqual(buffer.update('uid-3').console_output_msgs, [at(4, 'm4'), at(5, 'm5')]);
  });

  test('the default keeps 2000 messages', () => {
    const buffer = new ConsoleMessages({ newUid: counter() });
    for (let i = 0; i < 2005; i++) buffer.add(at(i, `m${i}`));
    const all = buffer.update('ALL').console_output_msgs;
    assert.equal(all.length, 2000);
    assert.deepEqual(all[0], at(5, 'm5'));
  });
});

describe('ConsoleText', () => {
  const render = (chunks: string[], max?: number) => {
    const text = new ConsoleText({ max, newUid: counter() });
    for (const chunk of chunks) text.add(at(0, chunk));
    return text;
  };

  test('chunks join into lines; a final newline is not shown', () => {
    assert.equal(render(['Hello', ' world', '\n', 'next']).text(), 'Hello world\nnext');
    assert.equal(render(['one\ntwo\n']).text(), 'one\ntwo');
    assert.equal(render([]).text(), '');
  });

  test('carriage return overwrites from column 0', () => {
    assert.equal(render(['Progress 10%\rProgress 100%\n']).text(), 'Progress 100%');
    assert.equal(render(['abcdef', '\r', 'XY']).text(), 'XYcdef');
  });

  test('ESC[A moves up one line and keeps the column', () => {
    assert.equal(render(['line1\nline2\n', '\x1b[A\x1b[ALINE1']).text(), 'LINE1\nline2');
    assert.equal(render(['long line\nab\x1b[AX']).text(), 'loXg line\nab');
    // Past the end of the upper line the gap fills with spaces.
    assert.equal(render(['a\nlonger\x1b[AZ']).text(), 'a     Z\nlonger');
    // At the top line it stays there.
    assert.equal(render(['abc\x1b[A\rZ']).text(), 'Zbc');
  });

  test('a progress bar redrawn with ESC[A and \\r leaves its last frame', () => {
    const text = render([
      'bar  0%\n',
      'eta ?\n',
      '\x1b[A\x1b[A\rbar 50%\neta 5s\n',
      '\x1b[A\x1b[A\rbar 99%\neta 1s\n',
      'done\n',
    ]);
    assert.equal(text.text(), 'bar 99%\neta 1s\ndone');
  });

  test('nlines counts from the end, not counting a trailing empty line', () => {
    const withNewline = render(['1\n2\n3\n']);
    assert.equal(withNewline.text(2), '2\n3');
    assert.equal(withNewline.text(3), '1\n2\n3');
    assert.equal(withNewline.text(10), '1\n2\n3');
    assert.equal(withNewline.text(0), '');
    assert.equal(withNewline.text(-1), '');
    const withoutNewline = render(['1\n2\n3']);
    assert.equal(withoutNewline.text(2), '2\n3');
    assert.equal(withoutNewline.text(), '1\n2\n3');
  });

  test('lines past the limit drop off the top', () => {
    const text = render(['a\nb\nc\n'], 2);
    assert.equal(text.text(), 'b\nc');
    text.add(at(0, 'd'));
    assert.equal(text.text(), 'c\nd');
    // The cursor stayed on the last line while lines were dropped.
    text.add(at(0, '\rD'));
    assert.equal(text.text(), 'c\nD');
  });

  test('the uid changes with every message and not on reading', () => {
    const text = new ConsoleText({ newUid: counter() });
    assert.equal(text.uid, 'uid-0');
    text.add(at(0, 'x'));
    assert.equal(text.uid, 'uid-1');
    assert.equal(text.text(), 'x');
    assert.equal(text.uid, 'uid-1');
    text.add(at(0, '\ry'));
    assert.equal(text.uid, 'uid-2');
    assert.equal(text.text(), 'y');
  });

  test('a limit of 0 turns rendering off', () => {
    const text = new ConsoleText({ max: 0, newUid: counter() });
    text.add(at(0, 'ignored\n'));
    assert.equal(text.text(), '');
    assert.equal(text.uid, 'uid-0');
  });
});
