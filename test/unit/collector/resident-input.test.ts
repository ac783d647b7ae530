import path from 'node:path';
import { sharedCheckpointDir } from '../../../src/collector/resident-input';

describe('sharedCheckpointDir: both kinds keep journals and file checkpoints in one place', () => {
  it("maps the resident kind's checkpoint_dir to the per-run kind's", () => {
    const base = path.join('/opt/splunk/var/lib/splunk/modinputs');
    expect(sharedCheckpointDir(path.join(base, 'onepassword_events_resident'))).toBe(
      path.join(base, 'onepassword_events'),
    );
  });

  it('leaves any other directory alone', () => {
    for (const dir of ['/opt/splunk/var/lib/splunk/modinputs/onepassword_events', '/tmp/x', '']) {
      expect(sharedCheckpointDir(dir)).toBe(dir);
    }
  });
});
