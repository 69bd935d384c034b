import { Kbd, Modal, Table } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';

/** Keyboard shortcuts: `?` shows them; g+i / g+o jump between pages. Page shortcuts are listed here too. */
export function ShortcutHelp() {
  const { t, i18n } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [, navigate] = useLocation();
  useHotkeys([
    ['shift+/', toggle],
    ['g+i', () => navigate('/incidents')],
    ['g+o', () => navigate('/oncall')],
  ]);
  const zh = i18n.language === 'zh';
  const rows: [string, string][] = [
    ['?', zh ? '显示快捷键' : 'Show shortcuts'],
    ['g i', zh ? '故障列表' : 'Incidents list'],
    ['g o', zh ? '值班' : 'On-call'],
    ['j / k', zh ? '列表中上下移动' : 'Move down / up in the list'],
    ['Enter', zh ? '打开选中的故障' : 'Open the selected incident'],
    ['x', zh ? '选中/取消选中' : 'Select / unselect'],
    ['a', zh ? '确认故障' : 'Acknowledge the incident'],
    ['r', zh ? '解决故障' : 'Resolve the incident'],
    ['e', zh ? '立即升级' : 'Escalate now'],
    ['c', zh ? '在作战室发言' : 'Write in the war room'],
  ];
  return (
    <Modal opened={opened} onClose={close} title={t('shortcuts.title')}>
      <Table>
        <Table.Tbody>
          {rows.map(([keys, what]) => (
            <Table.Tr key={keys}>
              <Table.Td>
                {keys.split(' ').map((k) => (
                  <Kbd key={k} mr={4}>
                    {k}
                  </Kbd>
                ))}
              </Table.Td>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
