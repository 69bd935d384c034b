import { Stack } from '@mantine/core';
import type { Incident, RelatedIncident } from '../../../api/types';
import type { RoomOverview } from '../types';
import { ActionItems } from './ActionItems';
import { Decisions } from './Decisions';
import { Participants } from './Participants';
import { RelatedIncidents } from './RelatedIncidents';
import { RoomsList } from './RoomsList';

/** People, follow-ups and context, beside the timeline and the chat. */
export function SideColumn({ incidentRef, incident, room, related }: { incidentRef: string; incident: Incident; room: RoomOverview | undefined; related: RelatedIncident[] }) {
  return (
    <Stack gap="sm">
      {room && <Participants incidentRef={incidentRef} room={room} />}
      <ActionItems incidentRef={incidentRef} />
      <Decisions incidentRef={incidentRef} />
      <RelatedIncidents incidentRef={incidentRef} related={related} />
      {room && <RoomsList incidentRef={incidentRef} rooms={room.rooms} status={incident.status} />}
    </Stack>
  );
}
