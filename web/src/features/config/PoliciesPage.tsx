import { Title } from '@mantine/core';
export default function PoliciesPage() {
  return <Title order={1}>PoliciesPage</Title>;
}
