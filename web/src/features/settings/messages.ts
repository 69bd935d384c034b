/** Words of this feature, English and Chinese (same keys). */
const en = {
  title: 'settings',
};

const zh: typeof en = {
  title: 'settings',
};

export const settingsMessages = { en, zh };
