import { Title } from '@mantine/core';
export default function OncallPage() {
  return <Title order={1}>OncallPage</Title>;
}
