/**
 * The controls that embed, override or isolate a run of text in another direction (U+202A to
 * U+202E, U+2066 to U+2069): one in a comment or a course title makes it display in another order
 * than it is written, so a reader reads what the sender did not type ("Trojan Source"). The marks
 * U+200E and U+200F are left alone: they order the neutral characters beside them and reverse
 * nothing, and mixed French and Arabic or Hebrew text uses them.
 */
const DIRECTION_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

const NAMES: Readonly<Record<string, string>> = {
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

/** A direction control found in a text: which (`U+202E`, its Unicode name) and where (its character, from 1). */
export interface FoundDirectionControl {
  character: string;
  name: string;
  position: number;
}

/** The first direction control of `text`, or `undefined`. */
export function findDirectionControl(text: string): FoundDirectionControl | undefined {
  const index = text.search(DIRECTION_CONTROL);
  if (index === -1) return undefined;
  const control = text.charAt(index);
  return {
    character: `U+${control.charCodeAt(0).toString(16).toUpperCase()}`,
    name: NAMES[control] ?? 'DIRECTION CONTROL',
    // Counted in characters as a person counts them, an emoji as one.
    position: [...text.slice(0, index)].length + 1,
  };
}

/** Why such a text is refused and what to do: `holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4…`. */
export function describeDirectionControl(found: FoundDirectionControl): string {
  return (
    `holds ${found.character} (${found.name}) at character ${found.position}, a control that makes the text ` +
    'display in another order than it is written: remove it'
  );
}
