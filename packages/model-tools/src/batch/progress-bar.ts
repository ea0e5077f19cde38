/** A one-line progress bar on stderr; prints whole lines when stderr is not a terminal (CI logs). */
export function createProgressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastPrinted = -1;
  return {
    update(done: number): void {
      const fraction = total === 0 ? 1 : done / total;
      const percent = Math.floor(fraction * 100);
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round(fraction * width);
        stream.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${done}/${total} ${rate}/s`,
        );
        if (done >= total) stream.write('\n');
      } else if (percent >= lastPrinted + 10 || done >= total) {
        lastPrinted = percent;
        stream.write(`${label} ${percent}% (${done}/${total}, ${rate}/s)\n`);
      }
    },
  };
}
