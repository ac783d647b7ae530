/**
 * Builds one event's JSON text from (account seed, feed, index, base time), deterministically, so
 * the v1 spelling can be rebuilt later from the same inputs instead of being kept in memory.
 * Field sets follow events-api.md §1.6 and the OpenAPI specs; v2-only fields are left out of v1.
 * Pure.
 */
import type { FeedId } from '../../../src/core/feeds';
import type { Directory, DirectoryUser } from './directory';
import {
  auditEventJson,
  itemUsageJson,
  signInAttemptJson,
  type AuditEventItem,
  type ClientFields,
  type ItemUsageItem,
  type LocationFields,
  type SignInAttemptItem,
  type UserFields,
} from './item-json';
import {
  appendMembers,
  jsonSpellings,
  longString,
  respellJson,
  hostileStrings,
  unknownMembers,
  type JsonSpelling,
} from './hostile';
import { ipv4, ipv6, opUuid } from './ids';
import { Prng, type SeedWords } from './prng';
import { formatRfc3339, instantFromMs, truncateInstant, type Instant } from './rfc3339';
import {
  auditActions,
  auditActionsV2Only,
  auditObjectTypes,
  clientProfiles,
  commonAuditPairs,
  federatedSignInType,
  itemUsageActionWeights,
  places,
  signInCategoryWeights,
  signInTypesByCategory,
  timestampOffsets,
  type AuditObjectType,
} from './vocabulary';

export type ApiVersion = 'v1' | 'v2';

export interface GeneratorSettings {
  /** Share of events (0..1) that carry hostile-but-valid content. */
  readonly hostileFraction: number;
  /** Whether an occasional audit event carries a ~100 KB aux_info. */
  readonly largeAuxInfo: boolean;
  /** Whether MSP-only v2 fields (user_type, user_account_uuid, account_uuid, actor_type…) appear. */
  readonly msp: boolean;
}

export interface RenderContext {
  readonly directory: Directory;
  readonly settings: GeneratorSettings;
  /** Seed words of this (account, feed) pair. */
  readonly words: SeedWords;
}

export interface RenderedEvent {
  readonly uuid: string;
  readonly raw: string;
  /** The instant the `timestamp` field spells (base time plus sub-millisecond digits). */
  readonly instant: Instant;
  /** True when the event can only be expressed on v2 (federated sign-in, v2-only audit action). */
  readonly v2Only: boolean;
}

interface EventTime {
  readonly instant: Instant;
  readonly text: string;
}

/** 6–9 fraction digits, mostly "Z", sometimes another offset (events-api.md §1.6 quirks). */
function eventTime(rng: Prng, baseMs: number): EventTime {
  const subMsNs = rng.int(0, 999_999);
  const base = instantFromMs(baseMs);
  const raw: Instant = { us: base.us + Math.floor(subMsNs / 1000), ns: subMsNs % 1000 };
  const digits = rng.weighted<number>([
    [6, 40],
    [7, 10],
    [8, 10],
    [9, 40],
  ]);
  const offset = rng.chance(0.15) ? rng.pick(timestampOffsets) : 0;
  const instant = truncateInstant(raw, digits);
  return { instant, text: formatRfc3339(instant, digits, offset) };
}

/** User / UserV2; user_type and user_account_uuid are MSP-only (events-api.md §1.6). */
function userFields(user: DirectoryUser, msp: boolean): UserFields {
  return msp
    ? {
        uuid: user.uuid,
        name: user.name,
        email: user.email,
        user_type: user.userType,
        user_account_uuid: user.userAccountUuid,
      }
    : { uuid: user.uuid, name: user.name, email: user.email };
}

function clientFields(rng: Prng, user: DirectoryUser, ip: string): ClientFields {
  const profile = clientProfiles[user.clientProfile] ?? rng.pick(clientProfiles);
  return {
    app_name: profile.app_name,
    app_version: rng.pick(profile.app_versions),
    platform_name: rng.pick(profile.platform_names),
    platform_version: rng.pick(profile.platform_versions),
    os_name: profile.os_name,
    os_version: rng.pick(profile.os_versions),
    ip_address: ip,
  };
}

interface Whereabouts {
  readonly ip: string;
  readonly location: LocationFields;
  readonly country: string;
  readonly continent: string;
}

/** Mostly the user's home; sometimes travel; IPv6 now and then. */
function whereabouts(rng: Prng, user: DirectoryUser): Whereabouts {
  const travelling = rng.chance(0.08);
  const place = travelling ? rng.pick(places) : user.home;
  const ip = rng.chance(0.07) ? ipv6(rng) : travelling ? ipv4(rng, place.ipPrefix) : user.homeIp;
  return {
    ip,
    country: place.country,
    continent: place.continent,
    location: {
      country: place.country,
      region: place.region,
      city: place.city,
      latitude: Math.round((place.latitude + (rng.float() - 0.5) / 10) * 10000) / 10000,
      longitude: Math.round((place.longitude + (rng.float() - 0.5) / 10) * 10000) / 10000,
    },
  };
}

/** Setters of string fields hostile content may replace. */
type StringSlot = (value: string) => void;

interface Built {
  readonly v2Only: boolean;
  readonly stringSlots: () => StringSlot[];
  readonly toJson: (v1: boolean) => string;
}

/** `location` was added in 2022 and is not always present. */
function maybeLocation(rng: Prng, where: Whereabouts): LocationFields | undefined {
  return rng.chance(0.85) ? where.location : undefined;
}

function userSlots(user: UserFields, client: ClientFields | undefined): StringSlot[] {
  const slots: StringSlot[] = [(v) => (user.name = v)];
  if (client !== undefined) {
    slots.push((v) => (client.app_name = v));
    slots.push((v) => (client.platform_version = v));
    slots.push((v) => (client.os_version = v));
  }
  return slots;
}

function buildSignInAttempt(ctx: RenderContext, rng: Prng, uuid: string, time: EventTime): Built {
  const user = rng.pick(ctx.directory.users);
  const where = whereabouts(rng, user);
  const category = rng.weighted(signInCategoryWeights);
  let type: string = rng.pick(signInTypesByCategory[category]);
  let v2Only = false;
  if (category === 'success' && rng.chance(0.05)) {
    type = federatedSignInType;
    v2Only = true;
  }
  let details: { value: string } | null = null;
  if (category === 'firewall_failed' || category === 'firewall_reported_success') {
    const value =
      type === 'continent_blocked'
        ? where.continent
        : type === 'country_blocked'
          ? where.country
          : type === 'ip_blocked'
            ? where.ip
            : type === 'anonymous_blocked'
              ? 'Anonymous proxy'
              : 'All';
    details = { value };
  }
  const item: SignInAttemptItem = {
    uuid,
    session_uuid: opUuid(rng),
    timestamp: time.text,
    category,
    type,
    country: where.country,
    details,
    target_user: userFields(user, ctx.settings.msp),
    client: clientFields(rng, user, where.ip),
    location: maybeLocation(rng, where),
    account_uuid: ctx.settings.msp ? ctx.directory.accountUuid : undefined,
  };
  return {
    v2Only,
    stringSlots: () => {
      const slots = userSlots(item.target_user, item.client);
      const found = item.details;
      if (found !== null) slots.push((v) => (found.value = v));
      const location = item.location;
      if (location !== undefined) slots.push((v) => (location.city = v));
      return slots;
    },
    toJson: (v1) => signInAttemptJson(item, v1),
  };
}

function buildItemUsage(ctx: RenderContext, rng: Prng, uuid: string, time: EventTime): Built {
  const user = rng.pick(ctx.directory.users);
  const vault = rng.pick(ctx.directory.vaults);
  const where = whereabouts(rng, user);
  const item: ItemUsageItem = {
    uuid,
    timestamp: time.text,
    used_version: rng.int(1, 40),
    vault_uuid: vault.uuid,
    item_uuid: rng.pick(vault.items),
    action: rng.weighted(itemUsageActionWeights),
    user: userFields(user, ctx.settings.msp),
    client: clientFields(rng, user, where.ip),
    location: maybeLocation(rng, where),
    account_uuid: ctx.settings.msp ? ctx.directory.accountUuid : undefined,
  };
  return {
    v2Only: false,
    stringSlots: () => userSlots(item.user, item.client),
    toJson: (v1) => itemUsageJson(item, v1),
  };
}

function auxInfoFor(rng: Prng, action: string, objectType: AuditObjectType): string {
  if (action === 'role') return rng.pick(['R', 'A', 'O', 'M']);
  if (objectType === 'uva' || objectType === 'gva') return rng.pick(['1048575', '62', '32', '']);
  if (action === 'updatfw') return '{"rules":3,"mode":"report"}';
  if (action === 'trename') return 'Old team name → New team name';
  return rng.chance(0.6) ? '' : rng.pick(['A', 'R', '0', 'chrome', 'okta']);
}

function buildAuditEvent(ctx: RenderContext, rng: Prng, uuid: string, time: EventTime): Built {
  const { directory, settings } = ctx;
  const actor = rng.pick(directory.users);
  const where = whereabouts(rng, actor);
  let action: string;
  let objectType: AuditObjectType;
  let v2Only = false;
  if (rng.chance(0.8)) {
    [action, objectType] = rng.weighted(commonAuditPairs);
  } else {
    action = rng.pick(auditActions);
    objectType = rng.pick(auditObjectTypes);
  }
  if (rng.chance(0.02)) {
    action = rng.pick(auditActionsV2Only);
    v2Only = true;
  }
  const objectUser = rng.pick(directory.users);
  const vault = rng.pick(directory.vaults);
  const objectUuid =
    objectType === 'user'
      ? objectUser.uuid
      : objectType === 'vault'
        ? vault.uuid
        : objectType === 'item'
          ? rng.pick(vault.items)
          : objectType === 'device'
            ? rng.pick(actor.devices)
            : objectType === 'group' || objectType === 'gm' || objectType === 'gva'
              ? rng.pick(directory.groups)
              : objectType === 'uva'
                ? vault.uuid
                : opUuid(rng);
  // The aux entity is a user for membership and vault-access events.
  const auxIsUser = objectType === 'gm' || objectType === 'uva';
  const auxUser = rng.pick(directory.users);
  const auxId = objectType === 'vaultkey' || objectType === 'item' ? rng.int(1, 120) : 0;
  let auxInfo = auxInfoFor(rng, action, objectType);
  const huge = rng.chance(1 / 2000);
  if (settings.largeAuxInfo && huge) auxInfo = longString(rng, 100 * 1024);
  const item: AuditEventItem = {
    uuid,
    timestamp: time.text,
    actor_uuid: actor.uuid,
    actor_details: userFields(actor, settings.msp),
    actor_type: settings.msp ? actor.userType : undefined,
    actor_account_uuid: settings.msp ? actor.userAccountUuid : undefined,
    account_uuid: settings.msp ? directory.accountUuid : undefined,
    action,
    object_type: objectType,
    object_uuid: objectUuid,
    object_details: objectType === 'user' ? userFields(objectUser, settings.msp) : undefined,
    aux_id: auxId,
    aux_uuid: auxIsUser ? auxUser.uuid : objectType === 'item' ? vault.uuid : '',
    aux_details: auxIsUser ? userFields(auxUser, settings.msp) : undefined,
    aux_info: auxInfo,
    session: {
      uuid: opUuid(rng),
      login_time: formatRfc3339(
        { us: time.instant.us - rng.int(1, 8 * 3600) * 1_000_000, ns: rng.int(0, 999) },
        9,
      ),
      device_uuid: rng.pick(actor.devices),
      ip: where.ip,
    },
    location: maybeLocation(rng, where),
  };
  return {
    v2Only,
    stringSlots: () => {
      const slots = userSlots(item.actor_details, undefined);
      slots.push((v) => (item.aux_info = v));
      if (item.object_details !== undefined)
        slots.push(...userSlots(item.object_details, undefined));
      return slots;
    },
    toJson: (v1) => auditEventJson(item, v1),
  };
}

const builders: Record<
  FeedId,
  (ctx: RenderContext, rng: Prng, uuid: string, time: EventTime) => Built
> = {
  signinattempts: buildSignInAttempt,
  itemusages: buildItemUsage,
  auditevents: buildAuditEvent,
};

/**
 * Renders event `index` of a feed. Every random draw happens whatever `version` is, so v1 and v2
 * spell the same event.
 */
export function renderEvent(
  ctx: RenderContext,
  feed: FeedId,
  index: number,
  baseMs: number,
  version: ApiVersion,
): RenderedEvent {
  const rng = Prng.forIndex(ctx.words, index);
  const uuid = opUuid(rng);
  const time = eventTime(rng, baseMs);
  const built = builders[feed](ctx, rng, uuid, time);
  const hostile = rng.chance(ctx.settings.hostileFraction);
  let spelling: JsonSpelling = 'plain';
  let extraMembers: string[] = [];
  if (hostile) {
    const slots = built.stringSlots();
    const slotCount = rng.int(1, slots.length);
    for (let i = 0; i < slotCount; i += 1) {
      const setSlot = rng.pick(slots);
      setSlot(rng.chance(0.05) ? longString(rng, rng.int(2000, 9000)) : rng.pick(hostileStrings));
    }
    if (rng.chance(0.5)) extraMembers = unknownMembers(rng);
    spelling = rng.pick(jsonSpellings);
  }
  const json = built.toJson(version === 'v1');
  const raw = respellJson(appendMembers(json, extraMembers), spelling);
  return { uuid, raw, instant: time.instant, v2Only: built.v2Only };
}
