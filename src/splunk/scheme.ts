/** The introspection scheme printed for `--scheme`. Pure. */
import { defaultInputKind, type InputKind } from '../core/app-identity';
import { inputParams } from '../config/input-params';
import { escapeXmlText as esc } from './xml-text';

const guarantee =
  'exactly once, except that a SIGKILL inside one write may repeat that one write (at most 16 KiB).';

/** Title and description per kind; the arguments are the same for both. */
export const schemeTexts: Record<InputKind, { title: string; description: string }> = {
  'per-run': {
    title: '1Password Events',
    description: `Collects 1Password Events API feeds (sign-in attempts, item usages, audit events) with KV store checkpoints: ${guarantee}`,
  },
  resident: {
    title: '1Password Events (resident, many accounts)',
    description: `One long-running process collects every input of this kind, each on its own interval: for many accounts on one forwarder. Same feeds, checkpoints and guarantee as 1Password Events: ${guarantee}`,
  },
};

export const schemeTitle = schemeTexts['per-run'].title;
export const schemeDescription = schemeTexts['per-run'].description;

/**
 * The per-run kind is scheduled by splunkd (a process per stanza per interval); the resident kind
 * is `use_single_instance`: one process for every stanza, which schedules itself.
 */
export function renderScheme(model: InputKind = defaultInputKind): string {
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
  <title>${esc(schemeTexts[model].title)}</title>
  <description>${esc(schemeTexts[model].description)}</description>
  <use_external_validation>true</use_external_validation>
  <use_single_instance>${model === 'resident' ? 'true' : 'false'}</use_single_instance>
  <streaming_mode>xml</streaming_mode>
  <endpoint>
    <args>
${args}
    </args>
  </endpoint>
</scheme>
`;
}
