/** Words of this feature, English and Chinese (same keys). */
const en = {
  title: 'oncall',
};

const zh: typeof en = {
  title: 'oncall',
};

export const oncallMessages = { en, zh };
