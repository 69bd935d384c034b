/**
 * A phone number as Chinese chat platforms match it against a member's profile (DingTalk atMobiles,
 * WeCom mentioned_mobile_list): for mainland China the bare 11 digits, so "+86"/"0086" is dropped
 * and punctuation removed [U: other countries are sent as digits]; null when no digits are left.
 */
export function mainlandMobile(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (!digits) return null;
  const trimmed = phone.trim();
  if (trimmed.startsWith('+') && digits.length === 13 && digits.startsWith('86')) return digits.slice(2);
  if (trimmed.startsWith('00') && digits.length === 15 && digits.startsWith('0086')) return digits.slice(4);
  return digits;
}
