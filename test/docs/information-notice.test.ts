import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProcessing } from '../../src/access-record/processing-statement.ts';

const root = path.resolve(import.meta.dirname, '../..');
const notice = fs.readFileSync(path.join(root, 'docs/information-notice-fr.md'), 'utf8');

/** One numbered section of the notice, its lines joined as a reader reads them. */
function readSection(number: number): string {
  const section = notice.split(`\n## ${number}. `)[1]?.split('\n## ')[0];
  if (section === undefined) throw new Error(`the notice has no section ${number}`);
  return section.replace(/\s+/g, ' ');
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
});
