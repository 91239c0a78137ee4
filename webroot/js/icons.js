// Inline SVG icons (24x24 paths), so the UI needs no icon font or image requests.
import { svg } from './dom.js';

const PATHS = {
  home: 'M3 11l9-8 9 8v10h-6v-6H9v6H3z',
  monitor: 'M3 4h18v12H3zM8 20h8M12 16v4M6 12l3-4 3 3 3-5 3 6',
  alarm: 'M12 3a6 6 0 0 1 6 6v5l2 3H4l2-3V9a6 6 0 0 1 6-6zM10 20a2 2 0 0 0 4 0',
  photo: 'M3 5h18v14H3zM3 16l5-5 4 4 3-3 6 6M16 9.5a1.5 1.5 0 1 0 0-.01',
  consumption: 'M4 20V10M9 20V4M14 20v-8M19 20v-5M2 20h20',
  trends: 'M3 17l5-6 4 3 6-8 3 3M3 21h18',
  config: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  logoff: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  pin: 'M9 3h6l-1 6 4 4H6l4-4zM12 13v8',
  close: 'M6 6l12 12M18 6L6 18',
  menu: 'M4 6h16M4 12h16M4 18h16',
  chevron: 'M9 6l6 6-6 6',
  banner: 'M6 15l6-6 6 6',
};

export function icon(name, label) {
  return svg('svg', { viewBox: '0 0 24 24', class: 'icon', 'aria-hidden': label ? undefined : 'true',
    role: label ? 'img' : undefined, 'aria-label': label },
    svg('path', { d: PATHS[name] }));
}
