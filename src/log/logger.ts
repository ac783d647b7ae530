/**
 * Single-line, level-prefixed log lines on stderr. splunkd files any stderr line without a
 * DEBUG/INFO/WARN/ERROR/FATAL prefix as ERROR (1Password's app issue #46), so every line starts
 * with its level. Known secrets are masked before a line is written.
 */
import { processSecrets, SecretMask } from '../core/secret-mask';

export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof logLevels)[number];
const rank: Readonly<Record<LogLevel, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, FATAL: 4 };

export type LogFields = Readonly<Record<string, string | number | boolean | undefined | null>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
  setLevel(level: LogLevel): void;
  /** Registers a value that must never be printed (token, session key, proxy password). */
  addSecret(secret: string): void;
  child(context: LogFields): Logger;
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const upper = value.trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  if (upper === 'CRITICAL') return 'FATAL';
  return (logLevels as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined;
}

function formatValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** Pure: renders one log line (without the newline). */
export function formatLine(level: LogLevel, message: string, fields: LogFields): string {
  let line = `${level} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    line += ` ${key}=${formatValue(value)}`;
  }
  return line.replace(/[\r\n]+/g, ' ');
}

interface SharedState {
  readonly secrets: SecretMask;
  readonly write: (line: string) => void;
}

/**
 * A logger and its children share the secrets and the sink; each has its own level, which a child
 * takes from its parent when made: one account's log_level never changes another's lines.
 */
class LineLogger implements Logger {
  constructor(
    private readonly state: SharedState,
    private readonly context: LogFields,
    private level: LogLevel,
  ) {}

  private emit(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (rank[level] < rank[this.level]) return;
    const line = formatLine(level, message, { ...this.context, ...fields });
    this.state.write(this.state.secrets.mask(line) + '\n');
  }

  debug(message: string, fields?: LogFields): void {
    this.emit('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('ERROR', message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.emit('FATAL', message, fields);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  addSecret(secret: string): void {
    // Short strings would mask ordinary words; real secrets are long.
    this.state.secrets.add(secret);
    processSecrets.add(secret);
  }
  child(context: LogFields): Logger {
    return new LineLogger(this.state, { ...this.context, ...context }, this.level);
  }
}

export function createLogger(write: (line: string) => void, level: LogLevel = 'INFO'): Logger {
  return new LineLogger({ secrets: new SecretMask(), write }, {}, level);
}
