/** A point on the WGS84 ellipsoid, in decimal degrees. */
export interface GeoPoint {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371.0088;

function toRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

/**
 * Great-circle distances (haversine) from one origin, with the origin's cosine worked out once:
 * scoring measures one home against thousands of courses.
 */
export function createDistanceFrom(origin: GeoPoint): (point: GeoPoint) => number {
  const originLat = origin.lat;
  const originLon = origin.lon;
  const cosOrigin = Math.cos(toRadians(originLat));
  return (point) => {
    const dLat = toRadians(point.lat - originLat);
    const dLon = toRadians(point.lon - originLon);
    const h = Math.sin(dLat / 2) ** 2 + cosOrigin * Math.cos(toRadians(point.lat)) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  };
}

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  return createDistanceFrom(a)(b);
}
