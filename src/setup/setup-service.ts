/**
 * What the page does to splunkd, one function per admin action. Secrets are written, not shown: the
 * page reads the `network:` entries (proxy URL and CA path, nothing secret) one entity at a time,
 * and reads a secret's entity only when splunkd refuses to create it (409), to learn which app
 * holds that name (upsertSecret), filtered to its username (`f`), so no stored value comes back.
 */
import { isSplunkTrue } from '../core/contracts';
import { accountsConf, healthCollection, secretRealm, settingsConf } from '../core/app-identity';
import { type FeedId } from '../core/feeds';
import { accountConfParams, accountSecretPayload, type AccountForm } from './account-model';
import { planInputSave, type InputForm, type InputSave, type LogLevel } from './input-model';
import { defaultInputKind, listInputEntries, type InputEntry, type InputKind } from './input-kind';
import { describePageError, failureLine } from './failure-text';
import {
  globalScope,
  noNetworkSettings,
  parseNetworkSecret,
  type NetworkSettings,
} from '../config/network-settings';
import { proxyNetworkPayload, proxySecretPayload, type ProxyForm } from './proxy-model';
import {
  accountSecretUser,
  accountStatusCollection,
  accountsConfEndpoint,
  appNamespace,
  confEndpoint,
  globalEndpoints,
  indexMacroName,
  inputEndpoint,
  inputsEndpoint,
  inputsEndpointOf,
  isProbeStanza,
  kvDataEndpoint,
  macrosConf,
  networkSecretUser,
  passwordsEndpoint,
  probeStanzaName,
  proxySecretUser,
  secretEntityEndpoint,
  settingsConfEndpoint,
} from './rest-paths';
import { isStatus, SplunkdRequestError, type Entry, type SplunkdRest } from './splunkd-rest';
import {
  keepKnownFacts,
  parseAccountStatus,
  parseHealthDocs,
  type TokenFacts,
  type AccountStatusDoc,
  type HealthDoc,
} from './status-model';
import { type UserContext } from './permissions-model';

export interface ServerFacts {
  readonly isCloud: boolean;
  readonly serverName: string;
  readonly version: string;
}

export interface AccountEntry {
  readonly name: string;
  readonly regionHost: string;
}

export interface SetupState {
  readonly accounts: AccountEntry[];
  /** Inputs of both kinds. */
  readonly inputs: InputEntry[];
  /**
   * False when splunkd has no data/inputs endpoint for the resident kind: splunkd registers a
   * scheme when it starts, so after an upgrade the kind exists once Splunk has been restarted.
   */
  readonly residentAvailable: boolean;
  readonly statuses: Map<string, AccountStatusDoc>;
  readonly indexes: string[];
  readonly settings: Map<string, Record<string, unknown>>;
  /** Proxy and CA settings by scope (account name or `_global`); absent = none stored. */
  readonly network: Map<string, NetworkSettings>;
  readonly configured: boolean;
}

/**
 * splunkd refused to create this app's entry because an entry of that name from another app is
 * visible here; updating by name would write into that entry, so the save stops (fail closed).
 */
export class ForeignSecretError extends SplunkdRequestError {
  constructor(username: string, apps: readonly string[]) {
    super(
      409,
      `storage/passwords holds ${username} only in another app (${apps.map((a) => `app ${a}`).join(', ') || 'app ?'}), shared globally; the add-on ignores it and will not overwrite it. Delete that entry, then save again`,
    );
    this.name = 'ForeignSecretError';
  }
}

/** A search term no storage/passwords entry contains (see deleteSecret). */
export const secretDeleteNoMatch = 'ta-1password-events-no-entry-matches-this';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class SetupService {
  constructor(private readonly rest: SplunkdRest) {}

  async currentUser(): Promise<UserContext> {
    const [entry] = await this.rest.entries(globalEndpoints.currentContext);
    const content = entry?.content ?? {};
    const list = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    return {
      username: text(content['username']),
      roles: list(content['roles']),
      capabilities: list(content['capabilities']),
    };
  }

  async serverFacts(): Promise<ServerFacts> {
    const [entry] = await this.rest.entries(globalEndpoints.serverInfo);
    const content = entry?.content ?? {};
    return {
      // Splunk Cloud reports instance_type "cloud"; Enterprise omits it or says "download".
      isCloud: text(content['instance_type']).toLowerCase() === 'cloud',
      serverName: text(content['serverName']),
      version: text(content['version']),
    };
  }

  async loadState(): Promise<SetupState> {
    const [accounts, { inputs, residentAvailable }, statuses, indexes, settings, configured] =
      await Promise.all([
        this.listAccounts(),
        this.listInputKinds(),
        this.listStatuses(),
        this.listIndexes(),
        this.loadSettings(),
        this.isConfigured(),
      ]);
    const network = await this.loadNetworkSettings(accounts.map((a) => a.name));
    return {
      accounts,
      inputs,
      residentAvailable,
      statuses,
      indexes,
      settings,
      network,
      configured,
    };
  }

  /** Reads each scope's `network:` entry on its own (a listing would carry every secret). */
  async loadNetworkSettings(accounts: readonly string[]): Promise<Map<string, NetworkSettings>> {
    const scopes = [globalScope, ...accounts];
    const found = await Promise.all(
      scopes.map((scope) => this.networkSettings(scope === globalScope ? undefined : scope)),
    );
    const map = new Map<string, NetworkSettings>();
    scopes.forEach((scope, i) => {
      const settings = found[i];
      if (settings !== undefined) map.set(scope, settings);
    });
    return map;
  }

  private async networkSettings(account: string | undefined): Promise<NetworkSettings | undefined> {
    let entries: Entry[];
    try {
      entries = await this.rest.entries(
        secretEntityEndpoint(networkSecretUser(account)),
        appNamespace,
      );
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
    // Only this app's entry counts, as for the input (src/splunk/app-secrets.ts).
    const stored = entries.find((e) => e.app === appNamespace.app)?.content['clear_password'];
    if (typeof stored !== 'string') return undefined;
    try {
      return parseNetworkSecret(stored, account ?? globalScope);
    } catch {
      // Not ours to show; saving the form replaces it.
      return noNetworkSettings;
    }
  }

  async listAccounts(): Promise<AccountEntry[]> {
    const entries = await this.rest.entries(accountsConfEndpoint(), appNamespace);
    return entries
      .filter((e) => e.name !== 'default')
      .map((e) => ({
        name: e.name,
        regionHost: text(e.content['region_host']),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Inputs of both kinds; a kind splunkd does not serve (yet) lists none. */
  async listInputKinds(): Promise<{ inputs: InputEntry[]; residentAvailable: boolean }> {
    const [perRun, resident] = await Promise.all([
      this.listKind('per-run'),
      this.listKind('resident'),
    ]);
    return {
      inputs: listInputEntries({ 'per-run': perRun ?? [], resident: resident ?? [] }),
      residentAvailable: resident !== undefined,
    };
  }

  async listInputs(): Promise<InputEntry[]> {
    return (await this.listInputKinds()).inputs;
  }

  /** undefined when splunkd has no such endpoint (404): the scheme is not registered. */
  private async listKind(kind: InputKind): Promise<Entry[] | undefined> {
    let entries: Entry[];
    try {
      entries = await this.rest.entries(inputsEndpointOf(kind), appNamespace);
    } catch (error) {
      // The per-run kind has always been there: a 404 for it is a real failure, not news.
      if (kind !== 'per-run' && isStatus(error, 404)) return undefined;
      throw error;
    }
    return entries.filter((e) => !isProbeStanza(e.name));
  }

  private async kvList(collection: string): Promise<unknown[]> {
    try {
      const value = await this.rest.get(kvDataEndpoint(collection), appNamespace);
      return Array.isArray(value) ? value : [];
    } catch (error) {
      // No document written yet (collection not created on this instance yet): nothing to show.
      if (isStatus(error, 404)) return [];
      throw error;
    }
  }

  async listStatuses(): Promise<Map<string, AccountStatusDoc>> {
    const docs = await this.kvList(accountStatusCollection);
    const map = new Map<string, AccountStatusDoc>();
    for (const raw of docs) {
      const doc = parseAccountStatus(raw);
      if (doc !== undefined) map.set(doc._key, doc);
    }
    return map;
  }

  async accountStatus(account: string): Promise<AccountStatusDoc | undefined> {
    try {
      return parseAccountStatus(
        await this.rest.get(kvDataEndpoint(accountStatusCollection, account), appNamespace),
      );
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async listHealth(): Promise<HealthDoc[]> {
    return parseHealthDocs(await this.kvList(healthCollection));
  }

  async listIndexes(): Promise<string[]> {
    const entries = await this.rest.entries(globalEndpoints.indexes);
    return entries
      .map((e) => e.name)
      .filter((name) => !name.startsWith('_'))
      .sort();
  }

  async loadSettings(): Promise<Map<string, Record<string, unknown>>> {
    const entries = await this.rest.entries(settingsConfEndpoint(), appNamespace);
    return new Map(entries.map((e) => [e.name, e.content]));
  }

  async isConfigured(): Promise<boolean> {
    const [entry] = await this.rest.entries(globalEndpoints.appLocal);
    return isSplunkTrue(entry?.content['configured']);
  }

  /**
   * Creates the entry, or updates it when this app already holds it (splunkd answers 409 to a
   * second create). An update goes by name, and splunkd resolves a name to another app's globally
   * shared entry when this app has none, so the page first reads which apps hold the name and
   * never updates an entry it does not own (see src/splunk/app-secrets.ts).
   */
  private async upsertSecret(username: string, payload: string): Promise<void> {
    try {
      await this.rest.post(
        passwordsEndpoint,
        { name: username, password: payload, realm: secretRealm },
        appNamespace,
      );
      return;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    // `f=username` keeps the stored secret out of the answer: only who holds the name travels back.
    const holders = await this.rest.entries(secretEntityEndpoint(username), appNamespace, {
      f: 'username',
    });
    if (!holders.some((e) => e.app === appNamespace.app)) {
      throw new ForeignSecretError(
        username,
        holders.map((e) => e.app ?? '?'),
      );
    }
    await this.rest.post(secretEntityEndpoint(username), { password: payload }, appNamespace);
  }

  private async deleteIfPresent(
    endpoint: string,
    query: Record<string, string> = {},
  ): Promise<void> {
    try {
      await this.rest.delete(endpoint, appNamespace, query);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  /**
   * splunkd answers a DELETE with the remaining collection, and for storage/passwords that listing
   * carries every other entry's clear_password. A search matching no entry (and count=1 as a
   * backstop) keeps other secrets out of the answer the browser receives.
   */
  private deleteSecret(username: string): Promise<void> {
    return this.deleteIfPresent(secretEntityEndpoint(username), {
      search: secretDeleteNoMatch,
      count: '1',
    });
  }

  private async upsertStanza(
    conf: string,
    stanza: string,
    params: Record<string, string>,
  ): Promise<void> {
    try {
      await this.rest.post(confEndpoint(conf, stanza), params, appNamespace);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      await this.rest.post(confEndpoint(conf), { name: stanza, ...params }, appNamespace);
    }
  }

  /** Writes the secret first (when a token was pasted), then the non-secret stanza. */
  async saveAccount(form: AccountForm): Promise<void> {
    const name = form.name.trim();
    if (form.token.trim() !== '') {
      const endpoint = form.useCustomEndpoint ? form.customEndpoint : undefined;
      await this.upsertSecret(accountSecretUser(name), accountSecretPayload(form.token, endpoint));
    }
    await this.upsertStanza(accountsConf, name, accountConfParams(form));
  }

  /** Removes everything the page created for an account. Checkpoints stay (see docs/setup-page.md). */
  async deleteAccount(name: string): Promise<void> {
    const inputs = (await this.listInputs()).filter(
      (i) => i.name === name || i.content['account'] === name,
    );
    for (const input of inputs) await this.deleteIfPresent(inputEndpoint(input.name, input.kind));
    await this.deleteIfPresent(inputEndpoint(probeStanzaName(name)));
    await this.deleteSecret(accountSecretUser(name));
    await this.deleteSecret(proxySecretUser(name));
    await this.deleteSecret(networkSecretUser(name));
    await this.deleteIfPresent(accountsConfEndpoint(name));
    await this.deleteIfPresent(kvDataEndpoint(accountStatusCollection, name));
  }

  /**
   * Live check through splunkd: a disabled probe stanza makes splunkd run the input's external
   * validation (`--validate-arguments`), which reads the stored secret, calls introspect and
   * records the outcome in the account-status collection. The probe is always removed again.
   */
  async liveCheck(
    account: string,
    feedsToCheck: readonly FeedId[],
    tokenFacts?: TokenFacts,
  ): Promise<LiveCheckResult> {
    const probe = probeStanzaName(account);
    // The last known facts, kept if this check fails (the input then records only the error).
    const previous = await this.accountStatus(account);
    const params = { name: probe, account, disabled: '1', feeds: feedsToCheck.join(',') };
    const startedAt = Date.now();
    let validationError: string | undefined;
    let created = false;
    try {
      await this.rest.post(inputsEndpoint, params, appNamespace);
      created = true;
    } catch (error) {
      if (isStatus(error, 409)) {
        // A probe left behind by an interrupted check: remove it and try once more.
        await this.deleteIfPresent(inputEndpoint(probe));
        try {
          await this.rest.post(inputsEndpoint, params, appNamespace);
          created = true;
        } catch (retryError) {
          validationError = this.validationMessage(retryError);
        }
      } else {
        validationError = this.validationMessage(error);
      }
    } finally {
      if (created) await this.deleteIfPresent(inputEndpoint(probe));
    }
    const status = await this.accountStatus(account);
    const checkedAt = status?.checked_at;
    const fresh =
      status !== undefined &&
      checkedAt !== undefined &&
      Number(checkedAt) * 1000 >= startedAt - 5_000;
    let freshStatus = fresh ? status : undefined;
    if (freshStatus !== undefined) {
      const kept = keepKnownFacts(freshStatus, previous, tokenFacts, new Date());
      if (kept !== undefined) {
        await this.rest.postJson(
          kvDataEndpoint(accountStatusCollection, account),
          kept,
          appNamespace,
        );
        freshStatus = kept;
      }
    }
    let outcome: LiveCheckResult['outcome'] = 'no_status';
    if (
      validationError !== undefined ||
      (freshStatus !== undefined && !isSplunkTrue(freshStatus.ok))
    )
      outcome = 'failed';
    else if (freshStatus !== undefined) outcome = 'ok';
    return { outcome, validationError, status: freshStatus };
  }

  private validationMessage(error: unknown): string {
    if (error instanceof SplunkdRequestError && error.status === 400) return error.message;
    throw error;
  }

  async saveInput(form: InputForm, previouslyEnabled: boolean | undefined): Promise<void> {
    const plan = planInputSave(form, previouslyEnabled);
    switch (plan.step) {
      case 'create':
        await this.rest.post(inputsEndpointOf(plan.kind), plan.params, appNamespace);
        return;
      case 'edit':
        await this.rest.post(inputEndpoint(plan.name, plan.kind), plan.params, appNamespace);
        if (plan.switchTo !== undefined)
          await this.setInputEnabled(plan.name, plan.switchTo, plan.kind);
        return;
      case 'move':
        await this.moveInput(plan);
    }
  }

  /**
   * Create first, then delete: if splunkd refuses the new stanza (its kind's validation, a taken
   * name) the old one stays as it was. Checkpoints are keyed by account, so the new one resumes;
   * while both exist, their lease owners differ and the second waits, so nothing is collected twice.
   */
  private async moveInput(plan: Extract<InputSave, { step: 'move' }>): Promise<void> {
    await this.rest.post(inputsEndpointOf(plan.to), plan.params, appNamespace);
    try {
      await this.deleteIfPresent(inputEndpoint(plan.name, plan.from));
    } catch (error) {
      throw new InputMoveIncompleteError(plan, error);
    }
  }

  async deleteInput(name: string, kind: InputKind = defaultInputKind): Promise<void> {
    await this.deleteIfPresent(inputEndpoint(name, kind));
  }

  async setInputEnabled(
    name: string,
    enabled: boolean,
    kind: InputKind = defaultInputKind,
  ): Promise<void> {
    await this.rest.post(
      `${inputEndpoint(name, kind)}/${enabled ? 'enable' : 'disable'}`,
      {},
      appNamespace,
    );
  }

  /** Creates an index on Splunk Enterprise (system-wide, so it outlives the app). */
  async createIndex(name: string): Promise<void> {
    await this.rest.post(globalEndpoints.indexes, { name });
  }

  async setIndexMacro(definition: string): Promise<void> {
    await this.upsertStanza(macrosConf, indexMacroName, { definition });
  }

  async indexMacro(): Promise<string | undefined> {
    try {
      const [entry] = await this.rest.entries(
        confEndpoint(macrosConf, indexMacroName),
        appNamespace,
      );
      return text(entry?.content['definition']);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async saveProxy(account: string | undefined, form: ProxyForm): Promise<void> {
    const network = proxyNetworkPayload(form);
    if (network === undefined) await this.deleteSecret(networkSecretUser(account));
    else await this.upsertSecret(networkSecretUser(account), network);
    const user = proxySecretUser(account);
    if (form.credentials === 'set') await this.upsertSecret(user, proxySecretPayload(form));
    if (form.credentials === 'remove') await this.deleteSecret(user);
  }

  async saveLogLevel(level: LogLevel): Promise<void> {
    await this.upsertStanza(settingsConf, 'logging', { log_level: level });
  }

  /** First save: is_configured = 1 and an app reload, so Splunk stops redirecting to setup without a restart. */
  async markConfigured(): Promise<void> {
    await this.rest.post(globalEndpoints.appLocal, { configured: '1' });
    await this.rest.post(globalEndpoints.appReload, {});
  }
}

/** The new stanza was created but the old one is still there: the admin deletes it. */
export class InputMoveIncompleteError extends Error {
  constructor(plan: Extract<InputSave, { step: 'move' }>, cause: unknown) {
    super(
      `The input ${plan.name} was created as a ${plan.to} input, but its ${plan.from} one could not be deleted: ${failureLine(describePageError(cause)).replace(/\.?$/, '.')} Delete that one in the table; until then the two take turns and collect nothing twice.`,
      { cause },
    );
    this.name = 'InputMoveIncompleteError';
  }
}

export interface LiveCheckResult {
  /** no_status: splunkd accepted the probe but the input recorded no fresh status document. */
  readonly outcome: 'ok' | 'failed' | 'no_status';
  /** splunkd's 400 message (the input's own <message>), when validation failed. */
  readonly validationError: string | undefined;
  /** The status document written by this check (older documents are not shown as this result). */
  readonly status: AccountStatusDoc | undefined;
}
