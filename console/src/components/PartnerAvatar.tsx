import { Avatar } from '@mantine/core';

const AVATAR_COLORS = ['blue', 'grape', 'teal', 'orange', 'indigo', 'cyan', 'pink', 'lime'];

/**
 * Shows the partner's initial on a colour picked from the type id, because the catalog carries
 * no logo files.
 */
export function PartnerAvatar({ typeId, name }: { typeId: string; name: string }) {
  let hash = 0;
  for (const character of typeId) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  const color = AVATAR_COLORS[hash % AVATAR_COLORS.length];

  return (
    <Avatar color={color} radius="md" aria-hidden>
      {name.trim().charAt(0).toUpperCase() || '?'}
    </Avatar>
  );
}
