/** Inputs: one onepassword_events input per account, its feeds, index, interval, start and log level. */
import React, { useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import DateInput from '@splunk/react-ui/Date';
import Heading from '@splunk/react-ui/Heading';
import Message from '@splunk/react-ui/Message';
import NumberInput from '@splunk/react-ui/Number';
import P from '@splunk/react-ui/Paragraph';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import { defaultIndex } from '../../config/input-params';
import { feedIds, feeds, isFeedId, type FeedId } from '../../core/feeds';
import {
  indexMacroDefinition,
  inputFormFromStanza,
  inputPostParams,
  logLevels,
  newInputForm,
  validateInputForm,
  type InputForm,
  type LogLevel,
  type StartMode,
} from '../input-model';
import { canCreateIndex } from '../permissions-model';
import { type AccountEntry } from '../setup-service';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

function scopesOf(context: SetupContextValue, account: string): FeedId[] | undefined {
  const doc = context.state.statuses.get(account);
  if (doc === undefined || doc.features === undefined || doc.features === null) return undefined;
  return doc.features.filter(isFeedId);
}

function IndexHelp({
  context,
  onCreated,
}: {
  readonly context: SetupContextValue;
  readonly onCreated: () => Promise<void>;
}): React.JSX.Element | null {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (context.state.indexes.includes(defaultIndex)) return null;
  if (context.server.isCloud) {
    return (
      <div data-testid="index-missing-cloud">
        <Message type="warning">
          The index <code>{defaultIndex}</code> does not exist. On Splunk Cloud, create it in
          Settings &gt; Indexes &gt; New Index (name <code>{defaultIndex}</code>, type Events), then
          press Refresh indexes. Add-ons cannot create indexes on Splunk Cloud.
        </Message>
        <Button
          appearance="secondary"
          label="Refresh indexes"
          onClick={() => void context.refresh()}
        />
      </div>
    );
  }
  if (!canCreateIndex(context.user)) {
    return (
      <Message type="warning">
        The index <code>{defaultIndex}</code> does not exist, and creating one needs the
        indexes_edit capability. Ask a Splunk administrator to create it, or pick an existing index.
      </Message>
    );
  }
  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await context.service.createIndex(defaultIndex);
      await onCreated();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="index-missing-enterprise">
      <Message type="info">
        The dedicated index <code>{defaultIndex}</code> does not exist yet. Keeping 1Password events
        in their own index lets you set their retention and access apart from other data.
      </Message>
      <Button
        appearance="primary"
        label={`Create index ${defaultIndex}`}
        disabled={busy}
        onClick={() => void create()}
        data-testid="create-index"
      />
      {error !== undefined && <Message type="error">{error}</Message>}
    </div>
  );
}

function InputCard({
  context,
  account,
  onSaved,
}: {
  readonly context: SetupContextValue;
  readonly account: AccountEntry;
  readonly onSaved: (form: InputForm) => Promise<void>;
}): React.JSX.Element {
  const stanza = context.state.inputs.find((i) => i.name === account.name);
  const scopes = scopesOf(context, account.name);
  const initial =
    stanza === undefined
      ? newInputForm(account.name, scopes)
      : inputFormFromStanza(account.name, stanza.content);
  const [form, setForm] = useState<InputForm>(initial);
  const [status, setStatus] = useState<
    { kind: 'saved' } | { kind: 'error'; message: string } | undefined
  >(undefined);
  const [busy, setBusy] = useState(false);
  const validation = validateInputForm(form, {
    scopes,
    indexes: context.state.indexes,
    now: new Date(),
  });
  const update = (patch: Partial<InputForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setStatus(undefined);
  };
  const toggleFeed = (id: FeedId): void =>
    update({
      feeds: form.feeds.includes(id)
        ? form.feeds.filter((f) => f !== id)
        : feedIds.filter((f) => f === id || form.feeds.includes(f)),
    });

  const save = async (): Promise<void> => {
    setBusy(true);
    setStatus(undefined);
    try {
      await context.service.saveInput(form, stanza === undefined ? undefined : initial.enabled);
      await onSaved(form);
      setForm((f) => ({ ...f, exists: true }));
      setStatus({ kind: 'saved' });
    } catch (error) {
      setStatus({ kind: 'error', message: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  const indexOptions = [...new Set([...context.state.indexes, form.index])]
    .filter((i) => i !== '')
    .sort();
  return (
    <section className="op-setup-card" data-testid={`input-card-${account.name}`}>
      <Heading level={3}>{account.name}</Heading>
      {stanza === undefined && (
        <P>No input yet for this account. Review the settings and save to create it.</P>
      )}
      <ControlGroup label="Collect">
        <Switch
          appearance="toggle"
          selected={form.enabled}
          onClick={() => update({ enabled: !form.enabled })}
          data-testid={`enabled-${account.name}`}
        >
          {form.enabled ? 'Enabled' : 'Disabled'}
        </Switch>
      </ControlGroup>
      <ControlGroup
        label="Feeds"
        error={validation.errors.feeds !== undefined}
        help={
          validation.errors.feeds ??
          (scopes === undefined
            ? 'Check the account connection to see which feeds its token grants.'
            : undefined)
        }
        controlsLayout="none"
      >
        {feedIds.map((id) => {
          const granted = scopes === undefined || scopes.includes(id);
          return (
            <Switch
              key={id}
              appearance="checkbox"
              selected={form.feeds.includes(id)}
              disabled={!granted && !form.feeds.includes(id)}
              onClick={() => toggleFeed(id)}
              data-testid={`feed-${account.name}-${id}`}
            >
              {feeds[id].label}
              {granted ? '' : ' (not in the token’s scopes)'}
            </Switch>
          );
        })}
      </ControlGroup>
      <ControlGroup
        label="Index"
        error={validation.errors.index !== undefined}
        help={validation.errors.index}
      >
        <Select
          value={form.index}
          onChange={(_e, { value }) => update({ index: String(value) })}
          filter
          data-testid={`index-${account.name}`}
        >
          {indexOptions.map((name) => (
            <Select.Option key={name} label={name} value={name} />
          ))}
        </Select>
      </ControlGroup>
      <ControlGroup
        label="Interval (seconds)"
        error={validation.errors.interval !== undefined}
        help={validation.errors.interval ?? 'How often splunkd starts a collection run.'}
      >
        <NumberInput
          value={form.interval}
          min={10}
          step={10}
          onChange={(_e, { value }) => update({ interval: value ?? 0 })}
          inputId={`interval-${account.name}`}
        />
      </ControlGroup>
      <ControlGroup
        label="First run starts"
        error={validation.errors.startDate !== undefined}
        help={validation.errors.startDate}
      >
        <Select
          value={form.startMode}
          onChange={(_e, { value }) => update({ startMode: String(value) as StartMode })}
          data-testid={`start-mode-${account.name}`}
        >
          <Select.Option label="With everything 1Password keeps (120 days)" value="default" />
          <Select.Option label="On a date" value="date" />
          {form.startRaw !== '' && form.startMode === 'custom' && (
            <Select.Option label={`As set in inputs.conf (${form.startRaw})`} value="custom" />
          )}
        </Select>
        {form.startMode === 'date' && (
          <DateInput
            value={form.startDate}
            onChange={(_e, { value }) => update({ startDate: value })}
            inputId={`start-date-${account.name}`}
          />
        )}
      </ControlGroup>
      {validation.notes.map((note) => (
        <Message key={note} type="info">
          {note}
        </Message>
      ))}
      <ControlGroup label="Log level">
        <Select
          value={form.logLevel}
          onChange={(_e, { value }) => update({ logLevel: String(value) as '' | LogLevel })}
          data-testid={`log-level-${account.name}`}
        >
          <Select.Option label="As on the Logging tab" value="" />
          {logLevels.map((level) => (
            <Select.Option key={level} label={level} value={level} />
          ))}
        </Select>
      </ControlGroup>
      <Button
        appearance="primary"
        label={stanza === undefined ? 'Create input' : 'Save input'}
        disabled={!validation.canSave || busy}
        onClick={() => void save()}
        data-testid={`save-input-${account.name}`}
      />
      {status?.kind === 'saved' && (
        <Message type="success" data-testid={`input-saved-${account.name}`}>
          Saved. splunkd checked the settings with the input before accepting them.
        </Message>
      )}
      {status?.kind === 'error' && (
        <div data-testid={`input-error-${account.name}`}>
          <Message type="error">{status.message}</Message>
        </div>
      )}
    </section>
  );
}

export function InputsTab({ context }: { readonly context: SetupContextValue }): React.JSX.Element {
  const [macro, setMacro] = useState<string | undefined>(undefined);
  const [macroError, setMacroError] = useState<string | undefined>(undefined);
  useEffect(() => {
    context.service.indexMacro().then(setMacro, (e: unknown) => setMacroError(errorText(e)));
  }, [context.service]);

  /** Keeps the dashboards' `onepassword_index` macro pointing at every index an input writes to. */
  const onSaved = async (form: InputForm): Promise<void> => {
    const others = context.state.inputs
      .filter((i) => i.name !== form.account)
      .map((i) => String(i.content['index'] ?? ''));
    const definition = indexMacroDefinition([
      ...others,
      inputPostParams(form)['index'] ?? defaultIndex,
    ]);
    if (definition !== macro) {
      await context.service.setIndexMacro(definition);
      setMacro(definition);
    }
    await context.afterSave();
  };

  if (context.state.accounts.length === 0) {
    return <P data-testid="inputs-no-accounts">Add an account on the Accounts tab first.</P>;
  }
  return (
    <div data-testid="inputs-tab">
      <IndexHelp context={context} onCreated={context.refresh} />
      <P data-testid="index-macro">
        Dashboards search the macro <code>onepassword_index</code>
        {macro !== undefined && macro !== '' ? (
          <>
            , now <code>{macro}</code>
          </>
        ) : null}
        . It follows the indexes chosen here.
      </P>
      {macroError !== undefined && (
        <Message type="warning">The index macro could not be read. {macroError}</Message>
      )}
      {context.state.accounts.map((account) => (
        <InputCard key={account.name} context={context} account={account} onSaved={onSaved} />
      ))}
    </div>
  );
}
