/**
 * Which knowledge objects a namespace sees and where a create lands (REST API User Manual,
 * "Namespace"): `nobody` owner = shared objects of the app, `-` = wildcard, `/services` = all apps.
 */
import type { User } from './auth';
import type { Acl, Sharing } from './responses';
import { SplunkdHttpError } from './responses';
import type { Namespace } from './request';

export interface Owned {
  readonly app: string;
  readonly owner: string;
  readonly sharing: Sharing;
}

export function isVisible(object: Owned, ns: Namespace, user: User): boolean {
  const appVisible =
    ns.app === undefined ||
    ns.app === '-' ||
    object.app === ns.app ||
    object.sharing === 'global' ||
    object.sharing === 'system';
  if (!appVisible) return false;
  if (object.sharing !== 'user') return true;
  if (ns.owner === '-') return true;
  return object.owner === (ns.owner ?? user.name);
}

/** Where an object created through this namespace is stored, and with which ACL. */
export function placementFor(ns: Namespace, user: User): Owned {
  if (ns.owner === '-' || ns.app === '-') {
    throw new SplunkdHttpError(
      400,
      `Cannot create an object in a wildcard namespace (owner=${ns.owner ?? ''}, app=${ns.app ?? ''})`,
    );
  }
  if (ns.app === undefined) return { app: 'system', owner: 'nobody', sharing: 'system' };
  if (ns.owner === 'nobody') return { app: ns.app, owner: 'nobody', sharing: 'app' };
  return { app: ns.app, owner: ns.owner ?? user.name, sharing: 'user' };
}

export function aclOf(object: Owned): Acl {
  return {
    app: object.app,
    owner: object.owner,
    sharing: object.sharing,
    perms:
      object.sharing === 'user'
        ? { read: [object.owner], write: [object.owner] }
        : { read: ['*'], write: ['admin'] },
  };
}
