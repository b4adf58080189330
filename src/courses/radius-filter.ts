import { distanceKm, type GeoPoint } from '../shared/geo.ts';

/** Kilometres per degree of latitude on the sphere `distanceKm` uses. */
const KM_PER_DEGREE = distanceKm({ lat: 0, lon: 0 }, { lat: 1, lon: 0 });
const HALF_DEGREE_IN_RADIANS = Math.PI / 360;
/** Widening of the longitude window so that the distance test, not the box, decides at the edge. */
const BOX_MARGIN = 1.05;

/** A band of longitudes to scan, and the centre longitude to measure from inside it. */
export interface LongitudeWindow {
  minLon: number;
  maxLon: number;
  /** The centre's longitude shifted by ±360° for a window across the antimeridian. */
  originLon: number;
}

/**
 * A "within r km of a point" test as plain arithmetic, so that SQLite and PostgreSQL run the same
 * SQL with no trigonometric function: a bounding box (which the `(lat, lon)` index can use) and an
 * equirectangular distance.
 *
 * With t = lat − lat0 and Δλ = lon − originLon, in degrees, a point is within the radius when
 *   t² + (Δλ · k(t))² ≤ maxSquaredDegrees,
 * where k(t) = a + b·t + c·t² is the cosine of the mean latitude (lat0 + lat)/2 expanded to second
 * order around lat0; a, b, c are computed here, in JavaScript.
 *
 * Error against the great-circle distance (measured over every bearing, latitudes |lat0| ≤ 60°):
 * under 0.04% up to 300 km, 0.1% at 500 km and 0.5% at 1000 km (the largest `withinKm`), so a course
 * can only be misjudged when it lies within 0.5% of the edge. Using cos(lat0) alone would be 1% off
 * already at 200 km and 4–6% at 1000 km. Further from the equator the error grows (1.2% at 70° and
 * 1000 km); no French training centre lies there.
 */
export interface RadiusFilter {
  minLat: number;
  maxLat: number;
  windows: LongitudeWindow[];
  centerLat: number;
  a: number;
  b: number;
  c: number;
  maxSquaredDegrees: number;
}

/** Plans the radius test around `center`; see {@link RadiusFilter}. */
export function planRadiusFilter(center: GeoPoint, radiusKm: number): RadiusFilter {
  const radiusDegrees = radiusKm / KM_PER_DEGREE;
  const minLat = Math.max(-90, center.lat - radiusDegrees);
  const maxLat = Math.min(90, center.lat + radiusDegrees);
  const lat0 = (center.lat * Math.PI) / 180;
  const cosLat0 = Math.cos(lat0);
  const sinLat0 = Math.sin(lat0);
  // Widest longitude offset of a spherical cap; a cap that holds a pole spans every longitude.
  const sinRatio = Math.sin((radiusDegrees * Math.PI) / 180) / cosLat0;
  const reachesPole = minLat <= -90 || maxLat >= 90 || sinRatio >= 1;
  const halfWidth = reachesPole ? 180 : Math.min(180, ((Math.asin(sinRatio) * 180) / Math.PI) * BOX_MARGIN);
  return {
    minLat,
    maxLat,
    windows: planLongitudeWindows(center.lon, halfWidth),
    centerLat: center.lat,
    a: cosLat0,
    b: -sinLat0 * HALF_DEGREE_IN_RADIANS,
    c: (-cosLat0 * HALF_DEGREE_IN_RADIANS * HALF_DEGREE_IN_RADIANS) / 2,
    maxSquaredDegrees: radiusDegrees * radiusDegrees,
  };
}

/**
 * The radius test of {@link RadiusFilter} in JavaScript, for courses already in memory. The same
 * operations in the same order as the SQL of the knex store's radius search (IEEE doubles on both
 * engines), so that a course at the edge falls on the same side of it in memory as in the database.
 */
export function isWithinRadius(filter: RadiusFilter, point: GeoPoint): boolean {
  if (point.lat < filter.minLat || point.lat > filter.maxLat) return false;
  const t = point.lat - filter.centerLat;
  for (const window of filter.windows) {
    if (point.lon < window.minLon || point.lon > window.maxLon) continue;
    const k = filter.a + filter.b * t + filter.c * t * t;
    const x = (point.lon - window.originLon) * k;
    if (t * t + x * x <= filter.maxSquaredDegrees) return true;
  }
  return false;
}

/** The longitude bands to scan; a box across the antimeridian is split in two. */
function planLongitudeWindows(lon0: number, halfWidth: number): LongitudeWindow[] {
  const west = lon0 - halfWidth;
  const east = lon0 + halfWidth;
  const windows: LongitudeWindow[] = [
    { minLon: Math.max(-180, west), maxLon: Math.min(180, east), originLon: lon0 },
  ];
  // Past +180° lie longitudes near −180°: measured from the centre shifted by −360°.
  if (east > 180) windows.push({ minLon: -180, maxLon: east - 360, originLon: lon0 - 360 });
  if (west < -180) windows.push({ minLon: west + 360, maxLon: 180, originLon: lon0 + 360 });
  return windows;
}
