/**
 * Writes the Beamline CRD to crds/ (and into the Helm chart's crds/), generated from
 * beamline.ts; `--check` fails instead when the committed files differ. `npm run crds`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beamlineCrd } from './beamline.ts';

const root = join(import.meta.dirname, '../../..');
export const CRD_FILES = [
  'crds/beamlines.ophyd-service.dev.yaml',
  'charts/ophyd-service/crds/beamlines.ophyd-service.dev.yaml',
];

export const crdText = () =>
  `# Generated from operator/src/crd/beamline.ts by \`npm run crds\`; do not edit.\n${stringify(beamlineCrd(), { lineWidth: 0, aliasDuplicateObjects: false })}`;

export function main(argv: string[]): void {
  const text = crdText();
  const stale = CRD_FILES.filter((f) => {
    try {
      return readFileSync(join(root, f), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (argv.includes('--check')) {
    if (stale.length) {
      console.error(`out of date: ${stale.join(', ')}; run npm run crds`);
      process.exit(1);
    }
    return;
  }
  for (const f of CRD_FILES) writeFileSync(join(root, f), text);
  console.log(`wrote ${CRD_FILES.join(', ')}`);
}

if (import.meta.main) main(process.argv.slice(2));
