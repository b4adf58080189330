import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from '../../src/shared/duplicate-json-keys.ts';

describe('findDuplicateJsonKey', () => {
  it('finds a key given twice in the top-level object', () => {
    expect(findDuplicateJsonKey('{"action":"approve","action":"reject"}')).toEqual({
      key: 'action',
      objectPath: [],
    });
  });

  it('finds a key given three times or more, after other keys', () => {
    expect(findDuplicateJsonKey('{"a":1,"b":2,"c":3,"b":4}')).toEqual({ key: 'b', objectPath: [] });
  });

  it('names the path to a nested object through members and list indexes', () => {
    expect(findDuplicateJsonKey('{"x":{"y":[1,{"z":0},{"k":1,"k":2}]}}')).toEqual({
      key: 'k',
      objectPath: ['x', 'y', 2],
    });
  });

  it('compares keys as decoded, an escaped spelling included', () => {
    expect(findDuplicateJsonKey('{"a":1,"\\u0061":2}')).toEqual({ key: 'a', objectPath: [] });
    expect(findDuplicateJsonKey('{"\\"":1,"\\u0022":2}')).toEqual({ key: '"', objectPath: [] });
  });

  it('tells keys apart that differ only by an escape', () => {
    expect(findDuplicateJsonKey('{"a\\\\":1,"a":2,"a\\"":3}')).toBeUndefined();
  });

  it('leaves alone keys repeated in different objects, and values that look like keys', () => {
    expect(findDuplicateJsonKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a":{"a":{"a":1}},"b":"a","c":["a","a"]}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a":"x\\",\\"a\\":1","b":"{\\"a\\":1}"}')).toBeUndefined();
  });

  it('names the member of the outer object a duplicate is found under, not a later one', () => {
    expect(findDuplicateJsonKey('{"first":{},"second":{"n":1,"n":2}}')?.objectPath).toEqual(['second']);
  });

  it('reads texts with white space and scalars of every kind', () => {
    expect(findDuplicateJsonKey(' { "a" : true , "b" : null , "c" : -1.5e3 , "a" : [ ] } ')).toEqual({
      key: 'a',
      objectPath: [],
    });
    expect(findDuplicateJsonKey('"a"')).toBeUndefined();
    expect(findDuplicateJsonKey('{}')).toBeUndefined();
  });
});
