import { describe, expect, it } from 'vitest';
import { describeDirectionControl, findDirectionControl } from '../../src/shared/direction-controls.ts';

describe('findDirectionControl', () => {
  it.each([
    ['\u202A', 'LEFT-TO-RIGHT EMBEDDING'],
    ['\u202B', 'RIGHT-TO-LEFT EMBEDDING'],
    ['\u202C', 'POP DIRECTIONAL FORMATTING'],
    ['\u202D', 'LEFT-TO-RIGHT OVERRIDE'],
    ['\u202E', 'RIGHT-TO-LEFT OVERRIDE'],
    ['\u2066', 'LEFT-TO-RIGHT ISOLATE'],
    ['\u2067', 'RIGHT-TO-LEFT ISOLATE'],
    ['\u2068', 'FIRST STRONG ISOLATE'],
    ['\u2069', 'POP DIRECTIONAL ISOLATE'],
  ])('finds %j, named %s', (control, name) => {
    expect(findDirectionControl(`ab${control}c`)).toEqual({
      character: `U+${control.charCodeAt(0).toString(16).toUpperCase()}`,
      name,
      position: 3,
    });
  });

  it('counts the position in characters, an emoji as one, and gives the first control', () => {
    expect(findDirectionControl('😀😀\u2066x\u202E')?.position).toBe(3);
  });

  it('leaves alone the marks, the Arabic letter mark and other invisible characters', () => {
    expect(findDirectionControl('a\u200Eb\u200Fc\u061Cd\u200Be')).toBeUndefined();
  });

  it('says what to do', () => {
    const found = findDirectionControl('x\u202E');
    expect(found && describeDirectionControl(found)).toBe(
      'holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 2, a control that makes the text display in another order than it is written: remove it',
    );
  });
});
