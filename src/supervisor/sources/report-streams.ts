import { IncrementalLineReader, type LinePosition } from '../../adapters/line-reader.js';
import { reportStream, type StatePaths } from '../../domain/model/paths.js';
import { MAX_REPORT_BYTES } from '../../domain/model/report-schema.js';
import { readReportLine, type ReportReading } from './readings.js';

/**
 * Where the czar is in each worker's report stream (`reports/<worker>.jsonl`): each look hands back every report
 * appended since the last one, in order, so a short `blocked` between two others is told too. A czar started again
 * goes on from where the czar before saved its place (`positions`); without one, its first look takes only the latest.
 */
export class ReportStreams {
  private readonly readers = new Map<string, IncrementalLineReader>();
  /**
   * Per worker, the last report line taken: a host's watch sends its latest again, byte for byte, on reconnect. Not
   * its seq and time: two reports raced in the same millisecond share those and differ only in what they say.
   */
  private readonly lastTaken = new Map<string, string>();

  constructor(private readonly paths: StatePaths) {}

  /** Goes on from the places a czar before this one saved. */
  resume(positions: Readonly<Record<string, LinePosition>>): void {
    for (const [worker, position] of Object.entries(positions)) this.readers.set(worker, this.reader(worker, position));
  }

  /** Each worker's place in its stream, saved with the czar's memory. */
  positions(): Record<string, LinePosition> {
    return Object.fromEntries(
      [...this.readers].flatMap(([worker, reader]) => {
        const position = reader.position();
        return position === undefined ? [] : [[worker, position]];
      }),
    );
  }

  private reader(worker: string, start?: LinePosition): IncrementalLineReader {
    return new IncrementalLineReader(reportStream(this.paths, worker), MAX_REPORT_BYTES, start, 'blocking');
  }

  async read(worker: string): Promise<ReportReading[]> {
    let reader = this.readers.get(worker);
    const first = reader === undefined;
    if (reader === undefined) {
      reader = this.reader(worker);
      this.readers.set(worker, reader);
    }
    const lines: string[] = [];
    let oversized: number;
    try {
      oversized = (await reader.read((line) => lines.push(line))).oversized;
    } catch (error) {
      return [{ kind: 'rejected', reason: `its report stream cannot be read: ${(error as Error).message}` }];
    }
    const readings: ReportReading[] =
      oversized > 0
        ? [
            {
              kind: 'rejected',
              reason: `${oversized} report line(s) larger than ${MAX_REPORT_BYTES} bytes were dropped`,
            },
          ]
        : [];
    for (const line of first ? lines.slice(-1) : lines) {
      const reading = readReportLine(line, worker);
      if (reading.kind === 'valid') {
        if (this.lastTaken.get(worker) === line) continue;
        this.lastTaken.set(worker, line);
      }
      readings.push(reading);
    }
    return readings;
  }
}
