/**
 * Runs the PACKAGED modular input the way splunkd does: the launcher from an extracted .spl under
 * $SPLUNK_HOME/etc/apps, the input definition on stdin, no other Node on PATH. stdout is read as
 * splunkd reads it — a streaming XML parser that keeps only complete events — and stderr lines are
 * filed by their level prefix.
 */
import { spawn } from 'node:child_process';
import { SaxesParser } from 'saxes';
import type { PlatformHost } from './platform-host';

export interface StreamedEvent {
  readonly stanza: string;
  readonly unbroken: string | undefined;
  readonly time: string | undefined;
  readonly index: string | undefined;
  readonly sourcetype: string | undefined;
  readonly source: string | undefined;
  readonly host: string | undefined;
  readonly data: string;
  readonly done: boolean;
}

export const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof levels)[number];

export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly events: StreamedEvent[];
  readonly stdout: string;
  readonly stderr: string;
  readonly stderrLines: string[];
  /** Lines without a level prefix: splunkd would file them as ERROR. */
  readonly unprefixed: string[];
  readonly byLevel: Record<Level, string[]>;
  /** True when stdout ended inside an element (the process was killed mid-event). */
  readonly truncatedStream: boolean;
  /** A well-formedness error other than truncation. */
  readonly streamError: string | undefined;
}

export interface RunOptions {
  readonly launcher: string;
  /** Runs the launcher under an emulator (aarch64, Windows); default: directly. */
  readonly host?: PlatformHost;
  readonly args?: readonly string[];
  readonly stdin?: string | Buffer;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called on every complete event; return true to SIGKILL the process right then. */
  readonly killOnEvent?: (event: StreamedEvent, count: number) => boolean;
  /** Polled every 5 ms; SIGKILL once it returns true. */
  readonly killWhen?: () => boolean;
  /** SIGKILL after this many ms. */
  readonly killAfterMs?: number;
  /** Send SIGTERM after this many events. */
  readonly termAfterEvents?: number;
  /** Slow reader: pause stdout for this many ms after each chunk (backpressure). */
  readonly readerDelayMs?: number;
  /**
   * When killWhen or killOnEvent fires, stop reading stdout and SIGKILL only this many ms later,
   * once the writer is parked on the full pipe. A kill at a random instant can land between a
   * write() and its journal update, the one window that repeats events (README Guarantees);
   * tests that assert exactly-once of one chosen kill use this to aim outside it.
   */
  readonly quiesceBeforeKillMs?: number;
  readonly timeoutMs?: number;
  /** Receives the child right after spawn (e.g. to SIGSTOP/SIGCONT it). */
  readonly onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Incremental reader of splunkd's XML stream. */
export class StreamReader {
  readonly events: StreamedEvent[] = [];
  private readonly parser = new SaxesParser({ xmlns: false });
  private depth = 0;
  private current: Record<string, string> & { stanza?: string; unbroken?: string } = {};
  private field = '';
  private text = '';
  private done = false;
  error: string | undefined;

  constructor(private readonly onEvent?: (event: StreamedEvent) => void) {
    this.parser.on('error', (e) => {
      this.error ??= e.message;
    });
    this.parser.on('opentag', (tag) => {
      this.depth++;
      if (tag.name === 'event') {
        this.current = { stanza: String(tag.attributes['stanza'] ?? '') };
        const unbroken = tag.attributes['unbroken'];
        if (unbroken !== undefined) this.current.unbroken = String(unbroken);
        this.done = false;
      } else if (tag.name === 'done') this.done = true;
      else if (this.depth === 3) {
        this.field = tag.name;
        this.text = '';
      }
    });
    this.parser.on('text', (t) => {
      if (this.depth === 3) this.text += t;
    });
    this.parser.on('cdata', (t) => {
      if (this.depth === 3) this.text += t;
    });
    this.parser.on('closetag', (tag) => {
      if (this.depth === 3 && tag.name === this.field) this.current[this.field] = this.text;
      if (tag.name === 'event') {
        const c = this.current;
        const event: StreamedEvent = {
          stanza: c.stanza ?? '',
          unbroken: c.unbroken,
          time: c['time'],
          index: c['index'],
          sourcetype: c['sourcetype'],
          source: c['source'],
          host: c['host'],
          data: c['data'] ?? '',
          done: this.done,
        };
        this.events.push(event);
        this.onEvent?.(event);
      }
      this.depth--;
    });
  }

  private started = false;

  write(chunk: string): void {
    if (chunk !== '') this.started = true;
    if (this.error === undefined) this.parser.write(chunk);
  }

  /** Ends the document; returns true if it ended inside an element. */
  end(): boolean {
    const truncated = this.depth > 0;
    // An idle run prints nothing at all, which is fine: there is no document to close.
    if (this.started && !truncated && this.error === undefined) {
      try {
        this.parser.close();
      } catch (e) {
        this.error ??= (e as Error).message;
      }
    }
    return truncated;
  }
}

export function fileLines(stderr: string): {
  lines: string[];
  unprefixed: string[];
  byLevel: Record<Level, string[]>;
} {
  const lines = stderr.split('\n').filter((l) => l !== '');
  const byLevel = Object.fromEntries(levels.map((l) => [l, [] as string[]])) as Record<
    Level,
    string[]
  >;
  const unprefixed: string[] = [];
  for (const line of lines) {
    const level = levels.find((l) => line.startsWith(`${l} `));
    if (level) byLevel[level].push(line);
    else unprefixed.push(line);
  }
  return { lines, unprefixed, byLevel };
}

export function runPackaged(options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const command = options.host?.command(options.launcher, options.args ?? []) ?? {
      file: options.launcher,
      args: [...(options.args ?? [])],
    };
    const child = spawn(command.file, command.args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let killed = false;
    let quiesced = false;
    let quiesceTriggered = false;
    const kill = (signal: NodeJS.Signals): void => {
      if (!killed || signal === 'SIGKILL') {
        killed = true;
        child.kill(signal);
      }
    };
    const timers: NodeJS.Timeout[] = [];
    /** killWhen / killOnEvent: SIGKILL now, or after parking the writer (quiesceBeforeKillMs). */
    const triggerKill = (): void => {
      if (options.quiesceBeforeKillMs === undefined) return kill('SIGKILL');
      if (quiesceTriggered) return;
      quiesceTriggered = true;
      quiesced = true;
      child.stdout.pause();
      timers.push(
        setTimeout(() => {
          kill('SIGKILL');
          // Read what the pipe still holds (the slow-reader pauses apply again).
          quiesced = false;
          child.stdout.resume();
        }, options.quiesceBeforeKillMs),
      );
    };
    let termSent = false;
    const reader = new StreamReader((event) => {
      if (options.killOnEvent?.(event, reader.events.length)) triggerKill();
      if (
        !termSent &&
        options.termAfterEvents !== undefined &&
        reader.events.length >= options.termAfterEvents
      ) {
        termSent = true;
        child.kill('SIGTERM');
      }
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      reader.write(chunk);
      if (options.readerDelayMs) {
        child.stdout.pause();
        setTimeout(() => {
          if (!quiesced) child.stdout.resume();
        }, options.readerDelayMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    if (options.killWhen) {
      const poll = setInterval(() => {
        if (options.killWhen?.()) {
          clearInterval(poll);
          triggerKill();
        }
      }, 5);
      timers.push(poll);
    }
    if (options.killAfterMs !== undefined)
      timers.push(setTimeout(() => kill('SIGKILL'), options.killAfterMs));
    timers.push(
      setTimeout(() => {
        stderr += 'HARNESS timeout: the input did not exit\n';
        kill('SIGKILL');
      }, options.timeoutMs ?? 300_000),
    );
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      timers.forEach((t) => clearTimeout(t));
      resolve(finishRun(exitCode, signal, reader, stdout, stderr));
    });
    child.stdin.on('error', () => undefined); // --scheme never reads stdin
    child.stdin.end(options.stdin ?? '');
  });
}

/** A finished run's result: ends the stream reader and files stderr by level. */
export function finishRun(
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  reader: StreamReader,
  stdout: string,
  stderr: string,
): RunResult {
  const truncatedStream = reader.end();
  const filed = fileLines(stderr);
  return {
    exitCode,
    signal,
    events: reader.events,
    stdout,
    stderr,
    stderrLines: filed.lines,
    unprefixed: filed.unprefixed,
    byLevel: filed.byLevel,
    truncatedStream,
    streamError: reader.error,
  };
}

/** The uuid of every event a run delivered, in stream order. */
export function uuidsOf(result: Pick<RunResult, 'events'>): string[] {
  return result.events.map((e) => (JSON.parse(e.data) as { uuid: string }).uuid);
}
