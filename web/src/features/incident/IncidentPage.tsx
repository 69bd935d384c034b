import { Title } from '@mantine/core';
export default function IncidentPage({ incidentRef }: { incidentRef: string }) {
  return <Title order={1}>{incidentRef}</Title>;
}
