/**
 * `data/inputs/<scheme>`: modular input stanzas in inputs.conf. Like splunkd, create and edit run
 * the input's external validation (`<script> --validate-arguments`, `<items>` on stdin) and refuse
 * the change with the script's `<error><message>` when it exits non-zero.
 */
import { spawn } from 'node:child_process';

import { SaxesParser } from 'saxes';

import type { ConfEndpoints } from './configs';
import { propsOf } from './configs';
import type { ConfStore, StanzaView } from './conf-store';
import type { EaiItem, ServerIdentity } from './eai';
import { renderEai } from './eai';
import { buildValidationXml } from './modinput-xml';
import type { Reply, RequestContext } from './request';
import { requireJson } from './request';
import { SplunkdHttpError, alreadyExists } from './responses';
import { placementFor } from './visibility';

export interface ValidatorCommand {
  readonly command: string;
  readonly args?: readonly string[];
  /** Environment of the script; defaults to this process's environment, as splunkd passes its own. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** splunkd kills a validation that runs too long; default 30 s. */
  readonly timeoutMs?: number;
}

export interface ValidationRun {
  /** The kind whose script ran (splunkd runs the script of the stanza's own scheme). */
  readonly scheme: string;
  readonly input: string;
  readonly xml: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly accepted: boolean;
}

export interface ValidationContext {
  readonly serverHost: string;
  readonly serverUri: string;
  readonly checkpointDir: string;
  /** A fresh session key of splunk-system-user, like the one splunkd hands the script. */
  readonly systemSessionKey: () => string;
}

export interface InputRecord {
  /** The kind: the stanza is `<scheme>://<name>` in inputs.conf. */
  readonly scheme: string;
  readonly name: string;
  readonly app: string;
  readonly disabled: boolean;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * One modular input kind, as splunkd serves each scheme it registered: its own data/inputs/<scheme>
 * endpoint over its own `<scheme>://` stanzas of inputs.conf, its own script for validation.
 */
export class ModularInputs {
  constructor(
    readonly scheme: string,
    private readonly store: ConfStore,
    private readonly confs: ConfEndpoints,
    private readonly server: ServerIdentity,
    private readonly validator: ValidatorCommand | undefined,
    private readonly validation: ValidationContext,
    /** Where every kind's validation runs are recorded, in the order they ran. */
    readonly validations: ValidationRun[] = [],
  ) {}

  /** Stanzas of this scheme as the harness needs them to build run-mode `<input>` XML. */
  records(): InputRecord[] {
    const prefix = `${this.scheme}://`;
    return this.store
      .stanzas('inputs')
      .filter((s) => s.name.startsWith(prefix))
      .map((s) => {
        const params = { ...this.schemeDefaults(s.owned.app), ...s.values };
        return {
          scheme: this.scheme,
          name: s.name.slice(prefix.length),
          app: s.owned.app,
          disabled: isTrue(params['disabled']),
          params,
        };
      });
  }

  async handle(ctx: RequestContext, rest: readonly string[]): Promise<Reply> {
    requireJson(ctx);
    const [name, action, ...extra] = rest;
    if (extra.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    if (name === undefined) {
      if (ctx.method === 'GET') return this.render(ctx, this.visible(ctx), 200, true);
      if (ctx.method === 'POST') return this.create(ctx);
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    const stanza = this.confs.find(ctx, 'inputs', `${this.scheme}://${name}`);
    if (action === 'enable' || action === 'disable') {
      if (ctx.method !== 'POST')
        throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
      this.confs.requireWrite(ctx);
      const updated = this.store.write(
        stanza.owned,
        'inputs',
        stanza.name,
        { disabled: action === 'disable' ? '1' : '0' },
        ctx.user.name,
      );
      return this.render(ctx, [updated], 200, false);
    }
    if (action !== undefined) throw new SplunkdHttpError(404, 'Not Found');
    if (ctx.method === 'GET') return this.render(ctx, [stanza], 200, false);
    this.confs.requireWrite(ctx);
    if (ctx.method === 'POST') {
      const changes = propsOf(ctx.args);
      await this.validate(name, stanza.owned.app, { ...stanza.values, ...changes });
      const updated = this.store.write(stanza.owned, 'inputs', stanza.name, changes, ctx.user.name);
      return this.render(ctx, [updated], 200, false);
    }
    if (ctx.method === 'DELETE') {
      if (this.store.remove(stanza.owned.app, 'inputs', stanza.name) === 'shipped') {
        throw new SplunkdHttpError(400, `Object id=${name} cannot be deleted in config=inputs.`);
      }
      return this.render(ctx, this.visible(ctx), 200, true);
    }
    throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
  }

  private async create(ctx: RequestContext): Promise<Reply> {
    this.confs.requireWrite(ctx);
    const name = ctx.args.get('name');
    if (!name)
      throw new SplunkdHttpError(400, 'The following required arguments are missing: name.');
    const stanzaName = `${this.scheme}://${name}`;
    // Resolve placement first so a wildcard namespace is refused before any script runs.
    const { app } = placementFor(ctx.ns, ctx.user);
    if (this.store.stanza(app, 'inputs', stanzaName)) throw alreadyExists(name);
    const values = propsOf(ctx.args);
    await this.validate(name, app, values);
    const created = this.confs.create(ctx, 'inputs', stanzaName, values);
    return this.render(ctx, [created], 201, false);
  }

  private schemeDefaults(app: string): Record<string, string> {
    return { ...(this.store.stanza(app, 'inputs', this.scheme)?.values ?? {}) };
  }

  private async validate(name: string, app: string, values: Record<string, string>): Promise<void> {
    if (!this.validator) return;
    const xml = buildValidationXml({
      serverHost: this.validation.serverHost,
      serverUri: this.validation.serverUri,
      sessionKey: this.validation.systemSessionKey(),
      checkpointDir: this.validation.checkpointDir,
      itemName: name,
      params: { ...this.schemeDefaults(app), ...values },
    });
    const run = await runValidator(this.validator, this.scheme, name, xml);
    this.validations.push(run);
    if (run.accepted) return;
    const message = errorMessage(run.stdout);
    if (message !== undefined) throw new SplunkdHttpError(400, message);
    const how =
      run.signal === 'SIGKILL'
        ? 'killed by signal 9: Killed'
        : `exited with code ${run.exitCode ?? -1}`;
    throw new SplunkdHttpError(
      400,
      `Argument validation for scheme=${this.scheme}: script running failed (${how}).`,
    );
  }

  private visible(ctx: RequestContext): StanzaView[] {
    return this.confs.visible(ctx, 'inputs').filter((s) => s.name.startsWith(`${this.scheme}://`));
  }

  private render(
    ctx: RequestContext,
    stanzas: readonly StanzaView[],
    status: number,
    paged: boolean,
  ): Reply {
    const prefix = `${this.scheme}://`;
    const items: EaiItem[] = stanzas.map((s) => {
      const values = { ...this.schemeDefaults(s.owned.app), ...s.values };
      return {
        name: s.name.slice(prefix.length),
        owned: s.owned,
        author: s.author,
        updated: s.updated,
        content: { ...values, disabled: isTrue(values['disabled']), 'eai:appName': s.owned.app },
      };
    });
    return renderEai(ctx, this.server, items, {
      endpoint: ['data', 'inputs', this.scheme],
      canWrite: this.confs.canWrite(ctx),
      status,
      paged,
    });
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 't', 'yes', 'y'].includes(value.toLowerCase());
}

function runValidator(
  validator: ValidatorCommand,
  scheme: string,
  input: string,
  xml: string,
): Promise<ValidationRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(validator.command, [...(validator.args ?? []), '--validate-arguments'], {
      cwd: validator.cwd,
      env: { ...process.env, ...(validator.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), validator.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        scheme,
        input,
        xml,
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        accepted: exitCode === 0,
      });
    });
    // A script that exits without reading stdin closes the pipe; that is its business, not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(xml, 'utf8');
  });
}

/** The text of `<error><message>…</message></error>` on the script's stdout, if it wrote one. */
export function errorMessage(stdout: string): string | undefined {
  const parser = new SaxesParser();
  const stack: string[] = [];
  let text: string | undefined;
  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    if (stack.join('/') === 'error/message') text = '';
  });
  parser.on('text', (t) => {
    if (text !== undefined && stack.join('/') === 'error/message') text += t;
  });
  parser.on('cdata', (t) => {
    if (text !== undefined && stack.join('/') === 'error/message') text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(stdout.trim()).close();
  } catch {
    return undefined;
  }
  return text?.trim();
}
