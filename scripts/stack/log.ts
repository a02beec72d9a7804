/** One progress line per step, so a long first install shows where it is. */
export function say(part: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stdout.write(`[${time}] ${part.padEnd(13)} ${message}\n`);
}
