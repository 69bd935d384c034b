import { Notification, createTheme, type MantineThemeOverride } from '@mantine/core';

/**
 * Shade 8 for the primary colour; global.css darkens the other filled and light colours to WCAG AA.
 * Built per language because some default props are words (the toast close button's label).
 */
export function buildTheme(closeLabel: string): MantineThemeOverride {
  return createTheme({
    primaryColor: 'indigo',
    primaryShade: { light: 8, dark: 8 },
    defaultRadius: 'md',
    fontFamily: 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif',
    components: {
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } }),
    },
  });
}
