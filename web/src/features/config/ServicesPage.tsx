import { Title } from '@mantine/core';
export default function ServicesPage() {
  return <Title order={1}>ServicesPage</Title>;
}
