/** Largest request body accepted anywhere (alerts, callbacks). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
