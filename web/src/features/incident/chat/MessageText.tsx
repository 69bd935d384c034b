import { Text, Tooltip } from '@mantine/core';
import { useUserName } from '../../../api/catalog';
import { useSession } from '../../../auth/session';
import classes from './chat.module.css';

/** warroom's own posts mark headings with **bold**, as chat platforms render them; nothing else is parsed. */
function withBold(text: string, key: number) {
  const parts = text.split(/\*\*(.+?)\*\*/g);
  if (parts.length === 1) return text;
  return parts.map((part, i) => (i % 2 ? <strong key={`${key}-${i}`}>{part}</strong> : part));
}

/** Chat text with @mentions shown as names; a mention of the reader stands out. */
export function MessageText({ text }: { text: string }) {
  const name = useUserName();
  const { data: session } = useSession();
  const parts = text.split(/(@[A-Za-z0-9_.-]+)/g);
  return (
    <Text size="sm" className={classes.text}>
      {parts.map((part, i) => {
        if (i % 2 === 0) return withBold(part, i);
        const id = part.slice(1);
        const display = name(id);
        const me = session?.user.id === id;
        return (
          <Tooltip key={i} label={part} disabled={display === id} openDelay={300}>
            <span className={me ? classes.mentionMe : classes.mention} data-mention={id}>
              @{display}
            </span>
          </Tooltip>
        );
      })}
    </Text>
  );
}
