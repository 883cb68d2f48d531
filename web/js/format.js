// Names and labels shared by several screens.

export const AREAS = {
  'communication-and-language': 'Communication and language',
  'physical-development': 'Physical development',
  'personal-social-emotional': 'Personal, social and emotional development',
  literacy: 'Literacy',
  mathematics: 'Mathematics',
  'understanding-the-world': 'Understanding the world',
  'expressive-arts-and-design': 'Expressive arts and design',
  'playing-and-exploring': 'Playing and exploring',
  'active-learning': 'Active learning',
  'creating-and-thinking-critically': 'Creating and thinking critically',
};

export function childName(child) {
  if (!child) return '';
  if (child.name) return child.name;
  return [child.firstName, child.lastName].filter(Boolean).join(' ');
}

export function areaLabel(area) {
  return AREAS[area] || area;
}
