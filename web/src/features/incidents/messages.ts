/** Words of this feature, English and Chinese (same keys). */
const en = {
  title: 'incidents',
};

const zh: typeof en = {
  title: 'incidents',
};

export const incidentsMessages = { en, zh };
