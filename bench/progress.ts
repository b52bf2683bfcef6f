// A small progress bar for long loads (no dependency needed for one line of output). On a
// terminal it redraws in place; in a log (CI, `> file`) it prints a line every 10 s.
export type Progress = {
  tick: (n?: number) => void;
  done: (note?: string) => number;
};

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const progress = (label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress => {
  const started = Date.now();
  const tty = out.isTTY === true;
  let count = 0;
  let lastDraw = tty ? 0 : started;
  const width = 28;
  const line = (): string => {
    const frac = total > 0 ? Math.min(1, count / total) : 1;
    const elapsed = Date.now() - started;
    const rate = elapsed > 0 ? (count / elapsed) * 1000 : 0;
    const eta = rate > 0 && total > count ? ((total - count) / rate) * 1000 : 0;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${label.padEnd(18)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${fmt(count)}/${fmt(total)}  ${fmt(rate)}/s  ${eta > 0 ? `ETA ${secs(eta)}` : ''}`;
  };
  return {
    tick: (n = 1) => {
      count += n;
      const now = Date.now();
      if (tty) {
        if (now - lastDraw > 150) {
          lastDraw = now;
          out.write(`\r${line()}\x1b[K`);
        }
      } else if (now - lastDraw > 10_000) {
        // In a log: a line every 10 s for the long ones, nothing for the quick ones.
        lastDraw = now;
        out.write(`${line()}\n`);
      }
    },
    done: (note) => {
      const elapsed = Date.now() - started;
      const summary = `${label.padEnd(18)} ${fmt(count)} in ${secs(elapsed)}${note ? `  ${note}` : ''}`;
      out.write(tty ? `\r${summary}\x1b[K\n` : `${summary}\n`);
      return elapsed;
    },
  };
};
