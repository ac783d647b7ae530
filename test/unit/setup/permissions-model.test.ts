import { canCreateIndex, missingCapabilities } from '../../../src/setup/permissions-model';

const user = (capabilities: string[]) => ({ username: 'u', roles: ['r'], capabilities });

describe('permissions', () => {
  it('an admin has what the page needs', () => {
    expect(
      missingCapabilities(
        user(['admin_all_objects', 'edit_storage_passwords', 'list_storage_passwords']),
      ),
    ).toEqual([]);
  });

  it('lists what a user lacks', () => {
    expect(missingCapabilities(user(['search']))).toEqual([
      'admin_all_objects',
      'edit_storage_passwords',
    ]);
    expect(missingCapabilities(user(['admin_all_objects']))).toEqual(['edit_storage_passwords']);
  });

  it('index creation is a separate capability', () => {
    expect(canCreateIndex(user(['admin_all_objects']))).toBe(false);
    expect(canCreateIndex(user(['indexes_edit']))).toBe(true);
  });
});
