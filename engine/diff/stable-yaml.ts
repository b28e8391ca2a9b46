import { stringify } from 'yaml';

/** YAML with map keys sorted, so the same object always prints the same (like kubectl diff). */
export function stableYaml(value: unknown): string {
  return stringify(value, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}
