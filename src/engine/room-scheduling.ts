import type { RoomScheduling } from '../domain/warroom/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';

/** Feishu first (the design's default), then the others that can create group chats. */
const ORDER = ['feishu', 'slack', 'wecom', 'dingtalk'];

/** Which platforms open rooms: the configured list, else every chat provider that can create rooms. */
export function roomScheduling(deps: EngineDeps & { channels: ChannelRegistry }): RoomScheduling {
  const config = deps.settings().warRooms;
  const capable = deps.channels.chats().filter((c) => c.id !== 'web' && c.chat.rooms).map((c) => c.id);
  const platforms = (config.platforms ?? capable.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))).filter((p) => capable.includes(p));
  return { config, platforms };
}
