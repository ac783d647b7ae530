/**
 * Builds one event's JSON text from (account seed, feed, index, base time), deterministically, so
 * the v1 spelling can be rebuilt later from the same inputs instead of being kept in memory.
 * Field sets follow events-api.md §1.6 and the OpenAPI specs; v2-only fields are left out of v1.
 * Pure.
 */
import type { FeedId } from '../../../src/core/feeds';
import type { Directory, DirectoryUser } from './directory';
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

type Json = Record<string, unknown>;

/** Keys removed from v1 items, at the top level and inside user objects. */
const v2OnlyTopLevelKeys = ['account_uuid', 'actor_type', 'actor_account_uuid'];
const v2OnlyUserKeys = ['user_type', 'user_account_uuid'];
const userObjectKeys = ['target_user', 'user', 'actor_details', 'object_details', 'aux_details'];

function toV1(item: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(item)) {
    if (v2OnlyTopLevelKeys.includes(key)) continue;
    if (userObjectKeys.includes(key) && value !== null && typeof value === 'object') {
      const user: Json = {};
      for (const [k, v] of Object.entries(value as Json)) {
        if (!v2OnlyUserKeys.includes(k)) user[k] = v;
      }
      out[key] = user;
    } else {
      out[key] = value;
    }
  }
  return out;
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

function userJson(user: DirectoryUser): Json {
  return {
    uuid: user.uuid,
    name: user.name,
    email: user.email,
    user_type: user.userType,
    user_account_uuid: user.userAccountUuid,
  };
}

function clientJson(rng: Prng, user: DirectoryUser, ip: string): Json {
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
  readonly location: Json;
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

interface Built {
  readonly item: Json;
  readonly v2Only: boolean;
  /** Paths of string fields hostile content may replace. */
  readonly stringSlots: ReadonlyArray<readonly [Json, string]>;
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
  let details: Json | null = null;
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
  const client = clientJson(rng, user, where.ip);
  const targetUser = userJson(user);
  const item: Json = {
    uuid,
    session_uuid: opUuid(rng),
    timestamp: time.text,
    category,
    type,
    country: where.country,
    details,
    target_user: targetUser,
    client,
  };
  // `location` was added in 2022 and is not always present.
  if (rng.chance(0.85)) item['location'] = where.location;
  if (ctx.settings.msp) item['account_uuid'] = ctx.directory.accountUuid;
  const slots: Array<readonly [Json, string]> = [
    [targetUser, 'name'],
    [client, 'app_name'],
    [client, 'platform_version'],
  ];
  if (details !== null) slots.push([details, 'value']);
  return { item, v2Only, stringSlots: slots };
}

function buildItemUsage(ctx: RenderContext, rng: Prng, uuid: string, time: EventTime): Built {
  const user = rng.pick(ctx.directory.users);
  const vault = rng.pick(ctx.directory.vaults);
  const where = whereabouts(rng, user);
  const client = clientJson(rng, user, where.ip);
  const itemUser = userJson(user);
  const item: Json = {
    uuid,
    timestamp: time.text,
    used_version: rng.int(1, 40),
    vault_uuid: vault.uuid,
    item_uuid: rng.pick(vault.items),
    action: rng.weighted(itemUsageActionWeights),
    user: itemUser,
    client,
  };
  if (rng.chance(0.85)) item['location'] = where.location;
  if (ctx.settings.msp) item['account_uuid'] = ctx.directory.accountUuid;
  return {
    item,
    v2Only: false,
    stringSlots: [
      [itemUser, 'name'],
      [client, 'os_version'],
    ],
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
  const actorDetails = userJson(actor);
  const item: Json = {
    uuid,
    timestamp: time.text,
    actor_uuid: actor.uuid,
    actor_details: actorDetails,
  };
  if (settings.msp) {
    item['actor_type'] = actor.userType;
    item['actor_account_uuid'] = actor.userAccountUuid;
    item['account_uuid'] = directory.accountUuid;
  }
  item['action'] = action;
  item['object_type'] = objectType;
  item['object_uuid'] = objectUuid;
  const slots: Array<readonly [Json, string]> = [[actorDetails, 'name']];
  if (objectType === 'user') {
    const objectDetails = userJson(objectUser);
    item['object_details'] = objectDetails;
    slots.push([objectDetails, 'name']);
  }
  item['aux_id'] = objectType === 'vaultkey' || objectType === 'item' ? rng.int(1, 120) : 0;
  item['aux_uuid'] = auxIsUser ? auxUser.uuid : objectType === 'item' ? vault.uuid : '';
  if (auxIsUser) item['aux_details'] = userJson(auxUser);
  let auxInfo = auxInfoFor(rng, action, objectType);
  const huge = rng.chance(1 / 2000);
  if (settings.largeAuxInfo && huge) auxInfo = longString(rng, 100 * 1024);
  item['aux_info'] = auxInfo;
  slots.push([item, 'aux_info']);
  const session: Json = {
    uuid: opUuid(rng),
    login_time: formatRfc3339(
      { us: time.instant.us - rng.int(1, 8 * 3600) * 1_000_000, ns: rng.int(0, 999) },
      9,
    ),
    device_uuid: rng.pick(actor.devices),
    ip: where.ip,
  };
  item['session'] = session;
  if (rng.chance(0.85)) item['location'] = where.location;
  return { item, v2Only, stringSlots: slots };
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
    const slotCount = rng.int(1, built.stringSlots.length);
    for (let i = 0; i < slotCount; i += 1) {
      const [target, key] = rng.pick(built.stringSlots);
      target[key] = rng.chance(0.05)
        ? longString(rng, rng.int(2000, 9000))
        : rng.pick(hostileStrings);
    }
    if (rng.chance(0.5)) extraMembers = unknownMembers(rng);
    spelling = rng.pick(jsonSpellings);
  }
  const shaped = version === 'v1' ? toV1(built.item) : built.item;
  const raw = respellJson(appendMembers(JSON.stringify(shaped), extraMembers), spelling);
  return { uuid, raw, instant: time.instant, v2Only: built.v2Only };
}
