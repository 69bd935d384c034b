/** Words of this feature, English and Chinese (same keys). */
const en = {
  title: 'incident',
};

const zh: typeof en = {
  title: 'incident',
};

export const incidentMessages = { en, zh };
