/**
 * Text progress bars for plan_test_progress_bars: one line per update, `NAME  40% |████      |`,
 * written to the plan's console. bluesky's ProgressBar redraws bars in place on a terminal; a
 * queue server's console is a stream of lines, so each update is a line of its own here.
 */

const WIDTH = 20;

/** `count` bars that print a line whenever one of them moves. */
export function progressBars(count: number, print: (text: string) => void) {
  return {
    count,
    /** Shows bar `index`, called `name`, at `fraction` (0 to 1) of its way. */
    update(index: number, name: string, fraction: number): void {
      const done = Math.round(Math.min(Math.max(fraction, 0), 1) * WIDTH);
      const percent = String(Math.round(fraction * 100)).padStart(3);
      print(
        `${name} ${percent}% |${'█'.repeat(done)}${' '.repeat(WIDTH - done)}| (bar ${index + 1} of ${count})\n`,
      );
    },
  };
}
