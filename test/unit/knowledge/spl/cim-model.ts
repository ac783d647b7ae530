/**
 * The CIM data model field lists pytest-splunk-addon enforces (../shared/fixtures/cim/*.json) and
 * its checks, applied to one event after search time: which datasets the event falls into (tags
 * plus constraint searches, parent before child), and for each of them whether every required
 * field, and every conditional field whose condition holds, is present, single-valued, valid and
 * one of the expected values.
 */
import { readFileSync } from 'node:fs';
import { compileEval, type EvalOptions, type Fields } from './eval-expression';
import { compileSearch } from './search-expression';

export interface CimField {
  readonly name: string;
  readonly type: 'required' | 'optional' | 'conditional';
  readonly expected_values?: readonly string[];
  readonly validity?: string;
  readonly condition?: string;
  readonly multi_value?: boolean;
}

export interface CimDataset {
  readonly name: string;
  readonly tags: readonly (readonly string[])[];
  readonly search_constraints?: string;
  readonly fields: readonly CimField[];
  readonly child_dataset?: readonly CimDataset[];
}

export interface CimModel {
  readonly model_name: string;
  readonly objects: readonly CimDataset[];
}

export function loadCimModel(file: string): CimModel {
  return JSON.parse(readFileSync(file, 'utf8')) as CimModel;
}

function tagValues(fields: Fields): readonly string[] {
  const tags = fields.get('tag');
  return tags === undefined ? [] : typeof tags === 'string' ? [tags] : tags;
}

function datasetApplies(dataset: CimDataset, fields: Fields): boolean {
  const tags = tagValues(fields);
  const tagged = dataset.tags.some((group) => group.every((tag) => tags.includes(tag)));
  if (!tagged) return false;
  return dataset.search_constraints
    ? compileSearch(dataset.search_constraints).matches(fields)
    : true;
}

/** Every dataset path (root first) the event falls into. */
export function matchingDatasets(model: CimModel, fields: Fields): CimDataset[][] {
  const paths: CimDataset[][] = [];
  const walk = (datasets: readonly CimDataset[], parents: CimDataset[]): void => {
    for (const dataset of datasets) {
      if (!datasetApplies(dataset, fields)) continue;
      const trail = [...parents, dataset];
      paths.push(trail);
      walk(dataset.child_dataset ?? [], trail);
    }
  };
  walk(model.objects, []);
  return paths;
}

export function modelApplies(model: CimModel, fields: Fields): boolean {
  return model.objects.some((dataset) => datasetApplies(dataset, fields));
}

/** The field list of a dataset, with a field the child redefines taking the child's definition. */
function effectiveFields(trail: readonly CimDataset[]): CimField[] {
  const byName = new Map<string, CimField>();
  for (const dataset of trail) for (const field of dataset.fields) byName.set(field.name, field);
  return [...byName.values()];
}

/** A field the event must carry: required ones, and conditional ones whose condition matches. */
export function mustHave(field: CimField, fields: Fields): boolean {
  if (field.type === 'required') return true;
  if (field.type === 'conditional')
    return field.condition ? compileSearch(field.condition).matches(fields) : true;
  return false;
}

/**
 * Problems with one event in the datasets it falls into (empty: compliant). Optional fields are
 * checked only when present, and then against their validity and expected values too.
 */
export function checkEvent(model: CimModel, fields: Fields, options: EvalOptions = {}): string[] {
  const problems: string[] = [];
  for (const trail of matchingDatasets(model, fields)) {
    const where = trail.map((dataset) => dataset.name).join('.');
    for (const field of effectiveFields(trail)) {
      const value = fields.get(field.name);
      const present =
        value !== undefined &&
        (typeof value === 'string' ? value !== '' : value.some((v) => v !== ''));
      const required = mustHave(field, fields);
      if (!present) {
        if (required)
          problems.push(`${where}: ${field.type} field ${field.name} is missing or empty`);
        continue;
      }
      // pytest-splunk-addon counts values: a required field with more values than events fails.
      if (required && typeof value !== 'string' && !field.multi_value) {
        problems.push(
          `${where}: ${field.name} must be single-valued, has ${JSON.stringify(value)}`,
        );
        continue;
      }
      // pytest-splunk-addon runs `nomv` on multivalue fields before judging them.
      const judged = new Map(fields);
      if (typeof value !== 'string') judged.set(field.name, value.join('\n'));
      if (field.validity !== undefined) {
        const verdict = compileEval(field.validity).evaluate(judged, options);
        if (verdict === null)
          problems.push(`${where}: ${field.name}=${JSON.stringify(value)} fails ${field.validity}`);
      }
      const expected = field.expected_values;
      if (expected && !expected.includes('*')) {
        const actual = judged.get(field.name) as string;
        if (!expected.includes(actual)) {
          problems.push(
            `${where}: ${field.name}=${JSON.stringify(actual)} is not one of ${expected.join(', ')}`,
          );
        }
      }
    }
  }
  return problems;
}
