import { describe, expect, it } from 'vitest';
import { readGeoPoint, toGeoPointColumns } from '../../src/db/row-values.ts';

describe('readGeoPoint', () => {
  it('reads a place from numeric lat and lon columns', () => {
    expect(readGeoPoint({ lat: 45.764, lon: 4.8357 })).toEqual({ lat: 45.764, lon: 4.8357 });
  });

  it('reads a place from columns the engine returns as text', () => {
    expect(readGeoPoint({ lat: '-22.2758', lon: '166.458' })).toEqual({ lat: -22.2758, lon: 166.458 });
  });

  it('keeps a place on the equator or the prime meridian', () => {
    expect(readGeoPoint({ lat: 0, lon: 0 })).toEqual({ lat: 0, lon: 0 });
  });

  it('reads no place when both columns are null or missing', () => {
    expect(readGeoPoint({ lat: null, lon: null })).toBeNull();
    expect(readGeoPoint({})).toBeNull();
  });

  it('reads no place when only one of lat and lon is set', () => {
    expect(readGeoPoint({ lat: 45.764, lon: null })).toBeNull();
    expect(readGeoPoint({ lat: null, lon: '4.8357' })).toBeNull();
  });

  it('refuses a column that is not a number', () => {
    expect(() => readGeoPoint({ lat: 'north', lon: 4.8357 })).toThrow(/expected a number/);
  });
});

describe('toGeoPointColumns', () => {
  it('writes a place as its lat and lon columns', () => {
    expect(toGeoPointColumns({ lat: 45.764, lon: 4.8357 })).toEqual({ lat: 45.764, lon: 4.8357 });
  });

  it('writes no place as two null columns', () => {
    expect(toGeoPointColumns(null)).toEqual({ lat: null, lon: null });
  });

  it('writes columns that read back as the same place', () => {
    for (const point of [{ lat: -13.2825, lon: -176.1736 }, null]) {
      expect(readGeoPoint(toGeoPointColumns(point))).toEqual(point);
    }
  });
});
