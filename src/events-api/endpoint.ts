/**
 * Decides where a token may be sent. The token goes only to the host its own `aud` names, to an
 * official host an admin picked, or to a custom https endpoint an admin stored *inside the same
 * storage/passwords secret* as the token — so whoever can redirect the token could read it anyway.
 * Pure: shared by the modular input and the setup page.
 */
import { AddonError } from '../core/errors';
import { isOfficialHost, regionLabels, type TokenClaims } from './token';

export interface EndpointChoice {
  /** Origin only, e.g. https://events.1password.com */
  readonly baseUrl: string;
  readonly host: string;
  readonly region: string;
  readonly source: 'token' | 'region_override' | 'custom_endpoint';
}

/** Validates an admin-recorded custom endpoint; returns its origin or an admin-readable problem. */
export function checkCustomEndpoint(
  value: string,
): { ok: true; origin: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, problem: `"${value}" is not a URL. Use https://host[:port].` };
  }
  if (url.protocol !== 'https:') {
    return {
      ok: false,
      problem: 'The custom endpoint must use https://; the token is never sent in clear text.',
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'The custom endpoint must not contain a user name or password.' };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return {
      ok: false,
      problem:
        'The custom endpoint must be an origin only (https://host[:port]), without a path or query.',
    };
  }
  return { ok: true, origin: url.origin };
}

export interface EndpointInputs {
  readonly claims: TokenClaims;
  /** Official host chosen in onepassword_accounts.conf (region_host), if any. */
  readonly regionHost?: string | undefined;
  /** Custom https endpoint stored beside the token in storage/passwords, if any. */
  readonly customEndpoint?: string | undefined;
}

export function resolveEndpoint(inputs: EndpointInputs): EndpointChoice {
  const custom = inputs.customEndpoint?.trim();
  if (custom !== undefined && custom !== '') {
    const checked = checkCustomEndpoint(custom);
    if (!checked.ok) throw new AddonError('config', checked.problem);
    const host = new URL(checked.origin).host;
    return { baseUrl: checked.origin, host, region: 'Custom endpoint', source: 'custom_endpoint' };
  }
  const override = inputs.regionHost?.trim().toLowerCase();
  if (override !== undefined && override !== '') {
    if (!isOfficialHost(override)) {
      throw new AddonError(
        'config',
        `region_host "${override}" is not an official 1Password events host. A custom endpoint can only be recorded by an admin together with the token.`,
      );
    }
    return {
      baseUrl: `https://${override}`,
      host: override,
      region: regionLabels[override],
      source: 'region_override',
    };
  }
  const aud = inputs.claims.audience.toLowerCase();
  if (!isOfficialHost(aud)) {
    throw new AddonError(
      'token',
      `The token is for "${aud}", which is not an official 1Password events host. Only an admin can record a custom endpoint beside the token.`,
    );
  }
  return { baseUrl: `https://${aud}`, host: aud, region: regionLabels[aud], source: 'token' };
}
