/** The introspection scheme printed for `--scheme`. Pure. */
import { inputParams } from '../config/input-params';
import { escapeXmlText as esc } from './xml-text';

export const schemeTitle = '1Password Events';
export const schemeDescription =
  'Collects 1Password Events API feeds (sign-in attempts, item usages, audit events) with KV store checkpoints: exactly once, except that a SIGKILL inside one write may repeat that one write (at most 16 KiB).';

export function renderScheme(): string {
  const args = inputParams
    .map(
      (p) => `      <arg name="${esc(p.name)}">
        <title>${esc(p.title)}</title>
        <description>${esc(p.description)}</description>
        <data_type>${p.dataType}</data_type>
        <required_on_edit>false</required_on_edit>
        <required_on_create>${p.requiredOnCreate ? 'true' : 'false'}</required_on_create>
      </arg>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<scheme>
  <title>${esc(schemeTitle)}</title>
  <description>${esc(schemeDescription)}</description>
  <use_external_validation>true</use_external_validation>
  <use_single_instance>false</use_single_instance>
  <streaming_mode>xml</streaming_mode>
  <endpoint>
    <args>
${args}
    </args>
  </endpoint>
</scheme>
`;
}
