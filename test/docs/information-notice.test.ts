import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toStoredProfile } from '../../src/access-record/access-record.ts';
import { describeProcessing } from '../../src/access-record/processing-statement.ts';
import { explainSuggestion, rankAttributions } from '../../src/model/explanations.ts';
import { FEATURE_NAMES, type FeatureName } from '../../src/model/features.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import { MANIFEST_FILE } from '../../src/model/model-folder.ts';
import { knownFacts } from '../model/support/explanation-facts.ts';
import { SHIPPED_MODEL_FOLDER } from '../model/support/small-model.ts';
import { aJobSeeker } from '../support/builders.ts';

const root = path.resolve(import.meta.dirname, '../..');
const notice = fs.readFileSync(path.join(root, 'docs/information-notice-fr.md'), 'utf8');

const manifest = parseModelManifest(
  JSON.parse(fs.readFileSync(path.join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8')),
);

/** A text with every kind of space (the narrow no-break space of French figures among them) as one space. */
function flatten(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ');
}

/** The job seeker's text of a suggestion whose features weighed as given, the others at 0. */
function tellJobSeeker(weighed: Partial<Record<FeatureName, { value: number; contribution: number }>>) {
  const values = FEATURE_NAMES.map((feature) => weighed[feature]?.value ?? 0);
  const contributions = FEATURE_NAMES.map((feature) => weighed[feature]?.contribution ?? 0);
  const attributions = rankAttributions(manifest, values, contributions);
  return flatten(explainSuggestion(manifest, 0.5, attributions, knownFacts()).jobSeekerText);
}

/** One numbered section of the notice, its lines joined as a reader reads them. */
function readSection(number: number): string {
  const section = notice.split(`\n## ${number}. `)[1]?.split('\n## ')[0];
  if (section === undefined) throw new Error(`the notice has no section ${number}`);
  return flatten(section);
}

describe('the information notice', () => {
  it('says which auditor reads the access record lists in the same words where it speaks of them, and that a read of the whole log is not listed', () => {
    // The record lists the audit queries naming the person's pseudonym or one of their sets, not the others.
    const listed = 'votre pseudonyme ou une liste préparée pour vous';
    const unlisted = "une consultation de l'ensemble du journal";
    const recipients = describeProcessing(
      { personalDays: 1, logDays: 1, idempotencyHours: 1, readTraceDays: 1 },
      [],
    ).recipients.join(' ');
    for (const said of [readSection(5), readSection(7), recipients.replaceAll('’', "'")]) {
      const text = said.toLowerCase();
      expect(text).toContain(listed);
      expect(text).toContain(unlisted);
    }
    expect(readSection(7)).not.toContain('consulté le journal à votre sujet');
  });

  it('promises the duration in the words the explanation tells it with, even when three reasons for the course weighed more', () => {
    const promise = readSection(3).match(
      /La durée de la formation est toujours dite ainsi[^(]*\(« ([^»]+) »\)/,
    );
    expect(promise?.[1]).toBe(
      'À savoir : la formation dure 1 540 heures (cela a compté en faveur de cette formation)',
    );
    const told = tellJobSeeker({
      occupationMatch: { value: 2, contribution: 0.9 },
      skillsCoverage: { value: 0.6, contribution: 0.56 },
      employmentRate: { value: Math.fround(0.7), contribution: 0.5 },
      durationHours: { value: 1540, contribution: 0.47 },
    });
    expect(told).toContain(`${promise?.[1]}`);
  });

  it('promises « peu » of a quarter of the skills or fewer only when it counted against the course, and the share otherwise, as the explanation tells them', () => {
    const section = readSection(3);
    expect(section).toContain('« peu » si vous en avez un quart ou moins et que cela a compté contre elle');
    const little = manifest.features.find((feature) => feature.name === 'skillsCoverage')?.negativePhraseFr;
    for (const share of [0.17, 0.2, 0.25].map(Math.fround)) {
      expect(tellJobSeeker({ skillsCoverage: { value: share, contribution: -0.56 } })).toContain(`${little}`);
      const counted = tellJobSeeker({ skillsCoverage: { value: share, contribution: 0.56 } });
      expect(counted).not.toContain(`${little}`);
      expect(counted).toMatch(/À savoir : vous avez déjà \d+ % des compétences que la formation enseigne/);
    }
    const example = section.match(
      /« (vous avez déjà 20 % des compétences que la formation enseigne[^»]*) »/,
    )?.[1];
    expect(example).toBe(
      'vous avez déjà 20 % des compétences que la formation enseigne (cela a beaucoup compté en faveur de cette formation)',
    );
    expect(tellJobSeeker({ skillsCoverage: { value: Math.fround(0.2), contribution: 0.56 } })).toContain(
      `${example}`,
    );
  });
  it('says that the file holds the counselor’s id, and that « Mes données » does not show it, as the export’s profile leaves it out', () => {
    const profile = toStoredProfile({
      ...aJobSeeker({ counselorId: 'c-042' }),
      id: 'js-1',
      aiObjection: false,
      enrolmentId: null,
      createdAt: '2026-10-01T08:00:00.000Z',
      updatedAt: '2026-10-01T08:00:00.000Z',
    });
    expect(profile).not.toHaveProperty('counselorId');
    expect(JSON.stringify(profile)).not.toContain('c-042');
    const section = readSection(3);
    expect(section).toContain("Votre dossier dans l'outil contient aussi l'identifiant de votre conseiller");
    expect(section).toContain('La rubrique « Mes données » ne le montre pas');
    expect(readSection(7)).toContain("votre profil (sans l'identifiant de votre conseiller, voir section 3)");
  });
});
