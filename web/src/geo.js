// Leaflet maps without tiles: everything is drawn as vector layers (grids,
// buildings, cases) on Web Mercator, so the page never loads anything from
// outside the server.
import L from 'leaflet';

export const MANZHOULI = [49.59, 117.43];

export function makeMap(el, { center = MANZHOULI, zoom = 15 } = {}) {
  const map = L.map(el, {
    crs: L.CRS.EPSG3857,
    preferCanvas: true,
    attributionControl: false,
    minZoom: 8,
    maxZoom: 20,
  });
  L.control.scale({ imperial: false }).addTo(map);
  map.setView(center, zoom);
  // The container may have been sized after creation (a screen just drawn).
  setTimeout(() => map.invalidateSize(), 0);
  return map;
}

export const STATE_COLORS = {
  reported: '#d97706',
  registered: '#ca8a04',
  dispatched: '#dc2626',
  accepted: '#2563eb',
  handled: '#7c3aed',
  closed: '#16a34a',
  rated: '#15803d',
  cancelled: '#6b7280',
};

// A stable colour for a code (a grid's buildings share it).
export function codeColor(code) {
  let x = 2166136261; // FNV-1a, so that neighbouring codes get distant hues
  for (const c of String(code)) x = Math.imul(x ^ c.charCodeAt(0), 16777619) >>> 0;
  return `hsl(${Math.round((x * 137.508) % 360)} 60% 42%)`;
}

export function dot(latlng, opts = {}) {
  return L.circleMarker(latlng, { radius: 5, weight: 1, fillOpacity: 0.8, ...opts });
}

export { L };
