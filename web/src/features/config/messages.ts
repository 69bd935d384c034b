/** Words of this feature, English and Chinese (same keys). */
const en = {
  title: 'config',
};

const zh: typeof en = {
  title: 'config',
};

export const configMessages = { en, zh };
