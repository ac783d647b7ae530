/**
 * A generated account directory (users, devices, vaults, items, groups) that events refer to, so
 * the same people and vaults recur across feeds as in a real account. Pure given its seed.
 */
import { ipv4, opUuid } from './ids';
import { Prng, type SeedWords } from './prng';
import {
  clientProfiles,
  emailDomains,
  firstNames,
  lastNames,
  places,
  type Place,
} from './vocabulary';

export interface DirectoryUser {
  readonly uuid: string;
  readonly name: string;
  readonly email: string;
  /** UserV2 `user_type`: external users are MSP staff acting in a managed account. */
  readonly userType: 'user' | 'external_user';
  readonly userAccountUuid: string;
  readonly home: Place;
  readonly homeIp: string;
  readonly clientProfile: number;
  /** Device ids, lower case like the real service writes them. */
  readonly devices: readonly string[];
}

export interface DirectoryVault {
  readonly uuid: string;
  readonly items: readonly string[];
}

export interface Directory {
  readonly accountUuid: string;
  /** For MSP accounts: the managing account external users belong to. */
  readonly managingAccountUuid: string;
  readonly users: readonly DirectoryUser[];
  readonly vaults: readonly DirectoryVault[];
  readonly groups: readonly string[];
}

export interface DirectorySize {
  readonly users: number;
  readonly vaults: number;
}

/** Directory size for an account expected to hold `totalEvents` events. */
export function directorySizeFor(totalEvents: number): DirectorySize {
  return {
    users: Math.min(5000, 25 + Math.floor(totalEvents / 400)),
    vaults: Math.min(2000, 10 + Math.floor(totalEvents / 2000)),
  };
}

/** "Björn" → "bjorn", "田中" → "" (e-mail local parts stay ASCII). */
function asciiLetters(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

export function buildDirectory(
  words: SeedWords,
  accountUuid: string,
  size: DirectorySize,
  msp: boolean,
): Directory {
  const rng = new Prng(words);
  const managingAccountUuid = opUuid(rng);
  const users: DirectoryUser[] = [];
  const seenEmails = new Set<string>();
  for (let i = 0; i < size.users; i += 1) {
    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const domain = rng.pick(emailDomains);
    const localBase = [first, last]
      .map(asciiLetters)
      .filter((part) => part !== '')
      .join('.');
    let email = `${localBase || 'user'}@${domain}`;
    if (seenEmails.has(email)) email = `${localBase || 'user'}${i}@${domain}`;
    seenEmails.add(email);
    const external = msp && rng.chance(0.1);
    const home = rng.pick(places);
    const deviceCount = rng.int(1, 4);
    const devices: string[] = [];
    for (let d = 0; d < deviceCount; d += 1) devices.push(opUuid(rng, true));
    users.push({
      uuid: opUuid(rng),
      name: `${first} ${last}`,
      email,
      userType: external ? 'external_user' : 'user',
      userAccountUuid: external ? managingAccountUuid : accountUuid,
      home,
      homeIp: ipv4(rng, home.ipPrefix),
      clientProfile: rng.int(0, clientProfiles.length - 1),
      devices,
    });
  }
  const vaults: DirectoryVault[] = [];
  for (let v = 0; v < size.vaults; v += 1) {
    const items: string[] = [];
    const itemCount = rng.int(3, 40);
    const vaultUuid = opUuid(rng, true);
    for (let i = 0; i < itemCount; i += 1) items.push(opUuid(rng, true));
    vaults.push({ uuid: vaultUuid, items });
  }
  const groups: string[] = [];
  for (let g = 0; g < Math.max(4, Math.floor(size.users / 10)); g += 1) groups.push(opUuid(rng));
  return { accountUuid, managingAccountUuid, users, vaults, groups };
}
