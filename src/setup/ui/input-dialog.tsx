/**
 * Create, edit or clone one input in a dialog: its kind (process model), feeds, index (per feed
 * too), interval, start, log level. Changing an existing input's kind moves it (setup-service).
 */
import React, { useRef, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import DateInput from '@splunk/react-ui/Date';
import Message from '@splunk/react-ui/Message';
import Modal from '@splunk/react-ui/Modal';
import RadioList from '@splunk/react-ui/RadioList';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import Text from '@splunk/react-ui/Text';
import { feedIds, feeds, isFeedId, type FeedId } from '../../core/feeds';
import {
  inputKinds,
  kindChoiceHelp,
  kindChoiceText,
  kindMoveText,
  type InputKind,
} from '../input-kind';
import {
  isMove,
  logLevels,
  validateInputForm,
  type InputField,
  type InputForm,
  type LogLevel,
  type StartMode,
} from '../input-model';
import { InputMoveIncompleteError } from '../setup-service';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

export function scopesOf(context: SetupContextValue, account: string): FeedId[] | undefined {
  const doc = context.state.statuses.get(account);
  if (doc === undefined || doc.features === undefined || doc.features === null) return undefined;
  return doc.features.filter(isFeedId);
}

/** A field's error in red under its control (ControlGroup's help text alone reads as a hint). */
function FieldError({
  field,
  errors,
}: {
  readonly field: InputField;
  readonly errors: Partial<Record<InputField, string>>;
}): React.JSX.Element | null {
  const message = errors[field];
  if (message === undefined) return null;
  return (
    <div className="op-setup-field-error" role="alert" data-testid={`field-error-${field}`}>
      {message}
    </div>
  );
}

export type InputDialogMode = 'create' | 'edit' | 'clone';

export function InputDialog({
  context,
  mode,
  initial,
  onSaved,
  onPartlySaved,
  onClose,
}: {
  readonly context: SetupContextValue;
  readonly mode: InputDialogMode;
  readonly initial: InputForm;
  /** Called after splunkd accepted the input (it validated it with the input first). */
  readonly onSaved: (form: InputForm) => Promise<void>;
  /** A move created the new stanza but could not delete the old one: `message` says what to do. */
  readonly onPartlySaved: (message: string) => Promise<void>;
  readonly onClose: () => void;
}): React.JSX.Element {
  const returnFocus = useRef<HTMLElement | null>(null);
  const [form, setForm] = useState<InputForm>(initial);
  // The interval as typed: a bad value is an error to fix, never replaced behind the admin's back.
  const [intervalText, setIntervalText] = useState(String(initial.interval));
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);
  const scopes = form.account === '' ? undefined : scopesOf(context, form.account);
  // Every input of both kinds but this one as stored: names and accounts are unique across kinds.
  const otherInputs = new Map(
    context.state.inputs
      .filter((i) => !(initial.exists && i.name === initial.name && i.kind === initial.savedKind))
      .map((i) => [i.name, String(i.content['account'] ?? i.name)]),
  );
  const validation = validateInputForm(
    { ...form, interval: /^\d+$/.test(intervalText.trim()) ? Number(intervalText) : Number.NaN },
    { scopes, indexes: context.state.indexes, now: new Date(), otherInputs },
  );
  const { errors } = validation;
  const update = (patch: Partial<InputForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setSaveError(undefined);
  };
  const toggleFeed = (id: FeedId): void =>
    update({
      feeds: form.feeds.includes(id)
        ? form.feeds.filter((f) => f !== id)
        : feedIds.filter((f) => f === id || form.feeds.includes(f)),
    });

  const save = async (): Promise<void> => {
    setBusy(true);
    setSaveError(undefined);
    const toSave = { ...form, interval: Number(intervalText.trim()) };
    try {
      await context.service.saveInput(toSave, form.exists ? initial.enabled : undefined);
    } catch (error) {
      if (error instanceof InputMoveIncompleteError) {
        await onPartlySaved(error.message);
        return;
      }
      setSaveError(errorText(error));
      setBusy(false);
      return;
    }
    await onSaved(toSave);
  };

  const indexOptions = [...new Set([...context.state.indexes, form.index])]
    .filter((i) => i !== '')
    .sort();
  const title =
    mode === 'edit'
      ? `Edit input ${initial.name}`
      : mode === 'clone'
        ? `Clone input ${initial.name.replace(/_copy\d*$/, '')}`
        : 'Create input';
  return (
    <Modal
      open
      returnFocus={returnFocus}
      onRequestClose={onClose}
      style={{ width: 720 }}
      data-testid="input-dialog"
    >
      <Modal.Header title={title} />
      <Modal.Body>
        <ControlGroup label="Name" error={errors.name !== undefined}>
          <Text
            value={form.name}
            disabled={form.exists}
            onChange={(_e, { value }) => update({ name: value })}
            inputId="input-name"
          />
        </ControlGroup>
        <FieldError field="name" errors={errors} />
        <ControlGroup label="Account" error={errors.account !== undefined}>
          <Select
            value={form.account}
            disabled={form.exists}
            onChange={(_e, { value }) => {
              const account = String(value);
              const granted = scopesOf(context, account);
              update({
                account,
                feeds:
                  granted === undefined ? form.feeds : feedIds.filter((f) => granted.includes(f)),
              });
            }}
            placeholder="Pick an account"
            data-testid="input-account"
          >
            {context.state.accounts.map((a) => (
              <Select.Option key={a.name} label={a.name} value={a.name} />
            ))}
          </Select>
        </ControlGroup>
        <FieldError field="account" errors={errors} />
        <ControlGroup label="Collect">
          <Switch
            appearance="toggle"
            selected={form.enabled}
            onClick={() => update({ enabled: !form.enabled })}
            data-testid="input-enabled"
          >
            {form.enabled ? 'Enabled: runs every interval' : 'Disabled: saved, does not run'}
          </Switch>
        </ControlGroup>
        <ControlGroup
          label="Process"
          help={
            context.state.residentAvailable
              ? kindChoiceHelp
              : `${kindChoiceHelp} Splunk registers it when it starts: restart Splunk once after installing this version.`
          }
          controlsLayout="none"
        >
          <RadioList
            value={form.kind}
            onChange={(_e, { value }) => update({ kind: String(value) as InputKind })}
            data-testid="input-kind"
          >
            {inputKinds.map((kind) => (
              <RadioList.Option
                key={kind}
                value={kind}
                disabled={
                  kind === 'resident' && !context.state.residentAvailable && form.kind !== kind
                }
              >
                {kindChoiceText[kind]}
              </RadioList.Option>
            ))}
          </RadioList>
        </ControlGroup>
        {isMove(form) && (
          <div data-testid="input-move-note">
            <Message type="info">
              Saving moves {form.name} to {kindMoveText[form.kind]}: a {form.kind} input with the
              same name and settings is created, then the {form.savedKind} one is deleted. Its
              checkpoints are kept, so it resumes where it stopped.
            </Message>
          </div>
        )}
        <ControlGroup
          label="Feeds"
          error={errors.feeds !== undefined}
          help={
            scopes === undefined && form.account !== ''
              ? 'Check the account connection to see which feeds its token grants.'
              : undefined
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
                data-testid={`input-feed-${id}`}
              >
                {feeds[id].label}
                {granted ? '' : ' (not in the token’s scopes)'}
              </Switch>
            );
          })}
        </ControlGroup>
        <FieldError field="feeds" errors={errors} />
        <ControlGroup label="Index" error={errors.index !== undefined}>
          <Select
            value={form.index}
            onChange={(_e, { value }) => update({ index: String(value) })}
            filter
            data-testid="input-index"
          >
            {indexOptions.map((name) => (
              <Select.Option key={name} label={name} value={name} />
            ))}
          </Select>
        </ControlGroup>
        <FieldError field="index" errors={errors} />
        {form.feeds.map((feed) => (
          <ControlGroup
            key={feed}
            label={`${feeds[feed].label} index`}
            error={errors.feedIndexes !== undefined}
          >
            <Select
              value={form.feedIndexes[feed]}
              onChange={(_e, { value }) =>
                update({ feedIndexes: { ...form.feedIndexes, [feed]: String(value) } })
              }
              filter
              data-testid={`input-index-${feed}`}
            >
              <Select.Option label={`Same as the input (${form.index})`} value="" />
              {indexOptions
                .filter((name) => name !== form.index)
                .map((name) => (
                  <Select.Option key={name} label={name} value={name} />
                ))}
            </Select>
          </ControlGroup>
        ))}
        <FieldError field="feedIndexes" errors={errors} />
        <ControlGroup
          label="Interval (seconds)"
          error={errors.interval !== undefined}
          help={
            form.kind === 'resident'
              ? 'How often the resident process starts a run of this input.'
              : 'How often splunkd starts a collection run.'
          }
        >
          <Text
            value={intervalText}
            onChange={(_e, { value }) => {
              setIntervalText(value);
              setSaveError(undefined);
            }}
            inputId="input-interval"
          />
        </ControlGroup>
        <FieldError field="interval" errors={errors} />
        <ControlGroup label="First run starts" error={errors.startDate !== undefined}>
          <Select
            value={form.startMode}
            onChange={(_e, { value }) => update({ startMode: String(value) as StartMode })}
            data-testid="input-start-mode"
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
              inputId="input-start-date"
            />
          )}
        </ControlGroup>
        <FieldError field="startDate" errors={errors} />
        {validation.notes.map((note) => (
          <Message key={note} type="info">
            {note}
          </Message>
        ))}
        <ControlGroup label="Log level">
          <Select
            value={form.logLevel}
            onChange={(_e, { value }) => update({ logLevel: String(value) as '' | LogLevel })}
            data-testid="input-log-level"
          >
            <Select.Option label="As on the Logging tab" value="" />
            {logLevels.map((level) => (
              <Select.Option key={level} label={level} value={level} />
            ))}
          </Select>
        </ControlGroup>
        {saveError !== undefined && (
          <div data-testid="input-save-error">
            <Message type="error">{saveError}</Message>
          </div>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={onClose} />
        <Button
          appearance="primary"
          label={busy ? 'Saving…' : form.exists ? 'Save' : 'Create'}
          disabled={!validation.canSave || busy}
          onClick={() => void save()}
          data-testid="input-save"
        />
      </Modal.Footer>
    </Modal>
  );
}
